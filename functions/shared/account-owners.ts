/**
 * Account number → owning user id, remembered (accounts never change owner). The host's events
 * name accounts; history, the user channel and settlement need the user.
 */
import type { UserStore } from './ports/user-store';

export class AccountOwners {
  private readonly owners = new Map<number, string>();

  /** `unowned` makes the error for an account no user owns (each caller decides what it means) */
  constructor(
    private readonly users: Pick<UserStore, 'findByAccountNo'>,
    private readonly unowned: (account: number) => Error,
  ) {}

  async of(account: number): Promise<string> {
    let id = this.owners.get(account);
    if (!id) {
      const u = await this.users.findByAccountNo(account);
      if (!u) throw this.unowned(account);
      id = u.id;
      this.owners.set(account, id);
    }
    return id;
  }
}
