/**
 * Binary encoding of journaled host commands. Recovery decodes every command of the journal, so
 * the format is what bounds restart time: fixed-width numbers and length-prefixed strings decode
 * several times faster than JSON and take about a quarter of the space.
 *
 * Layout (little endian): u8 type | f64 seq | f64 time | fields of the type (below).
 * Numbers (accounts included) are f64, so any value a command may carry (including invalid ones the engine rejects)
 * survives the round trip exactly; strings are u16 byte length + UTF-8. A cancel, replace or
 * cancel-all ends with its request id when it has one: records written before it existed read as
 * commands without one.
 */
import type { SideName, StpName, TimeInForceName } from '../../engine/types';
import { ByteReader, ByteWriter } from '../core/byte-codec';
import type { HostCommand } from '../core/types';

const TYPES = ['place', 'cancel', 'replace', 'cancelAll', 'cancelAllAfter', 'deposit', 'withdraw', 'halt', 'resume', 'tick'] as const;
type TypeName = (typeof TYPES)[number];
const TYPE_CODE = new Map<string, number>(TYPES.map((t, i) => [t, i]));
const SIDES: readonly SideName[] = ['buy', 'sell'];
const ORDER_TYPES = ['limit', 'market'] as const;
const TIFS: readonly TimeInForceName[] = ['GTC', 'IOC', 'FOK', 'GTD'];
const STPS: readonly StpName[] = ['cancel_newest', 'cancel_oldest', 'cancel_both'];

function pick<T>(list: readonly T[], code: number, what: string): T {
  const v = list[code];
  if (v === undefined) throw new RangeError(`unknown ${what} code ${code}`);
  return v;
}

const writer = new ByteWriter();

/** Encode one command; the returned buffer is a fresh copy. */
export function encodeCommand(cmd: HostCommand): Buffer {
  const w = writer;
  w.reset();
  const code = TYPE_CODE.get(cmd.type);
  if (code === undefined) throw new RangeError(`unknown command type ${String(cmd.type)}`);
  w.u8(code);
  w.f64(cmd.seq);
  w.f64(cmd.time);
  switch (cmd.type) {
    case 'place':
      w.f64(cmd.account);
      w.u8(SIDES.indexOf(cmd.side));
      w.u8(ORDER_TYPES.indexOf(cmd.orderType));
      w.u8(TIFS.indexOf(cmd.timeInForce));
      w.u8(cmd.postOnly ? 1 : 0);
      w.u8(STPS.indexOf(cmd.stp));
      w.f64(cmd.price);
      w.f64(cmd.quantity);
      w.f64(cmd.expireTime);
      w.str(cmd.symbol);
      w.str(cmd.clientOrderId);
      break;
    case 'cancel':
      w.f64(cmd.account);
      w.f64(cmd.orderId);
      if (cmd.requestId !== undefined) w.str(cmd.requestId);
      break;
    case 'replace':
      w.f64(cmd.account);
      w.f64(cmd.orderId);
      w.f64(cmd.price);
      w.f64(cmd.quantity);
      if (cmd.requestId !== undefined) w.str(cmd.requestId);
      break;
    case 'cancelAll':
      w.f64(cmd.account);
      w.u8(cmd.symbol === undefined ? 0 : 1);
      if (cmd.symbol !== undefined) w.str(cmd.symbol);
      if (cmd.requestId !== undefined) w.str(cmd.requestId);
      break;
    case 'cancelAllAfter':
      w.f64(cmd.account);
      w.f64(cmd.deadline);
      break;
    case 'deposit':
    case 'withdraw':
      w.f64(cmd.account);
      w.str(cmd.asset);
      w.str(cmd.amount);
      w.str(cmd.transferId);
      break;
    case 'halt':
    case 'resume':
      w.str(cmd.symbol);
      break;
    case 'tick':
      break;
  }
  return w.copy();
}

/** Decode the command in buf[start, end); throws on a malformed record. */
export function decodeCommand(buf: Buffer, start = 0, end = buf.length): HostCommand {
  const r = new ByteReader(buf, start, end);
  const type: TypeName = pick(TYPES, r.u8(), 'command');
  const seq = r.f64();
  const time = r.f64();
  let cmd: HostCommand;
  switch (type) {
    case 'place': {
      const account = r.f64();
      const side = pick(SIDES, r.u8(), 'side');
      const orderType = pick(ORDER_TYPES, r.u8(), 'order type');
      const timeInForce = pick(TIFS, r.u8(), 'time in force');
      const postOnly = r.u8() === 1;
      const stp = pick(STPS, r.u8(), 'stp');
      const price = r.f64();
      const quantity = r.f64();
      const expireTime = r.f64();
      const symbol = r.interned();
      const clientOrderId = r.str();
      cmd = { type, seq, time, account, clientOrderId, symbol, side, orderType, timeInForce, price, quantity, postOnly, stp, expireTime };
      break;
    }
    case 'cancel':
      cmd = { type, seq, time, account: r.f64(), orderId: r.f64() };
      if (r.off < end) cmd.requestId = r.str();
      break;
    case 'replace':
      cmd = { type, seq, time, account: r.f64(), orderId: r.f64(), price: r.f64(), quantity: r.f64() };
      if (r.off < end) cmd.requestId = r.str();
      break;
    case 'cancelAll': {
      const account = r.f64();
      cmd = r.u8() === 1 ? { type, seq, time, account, symbol: r.str() } : { type, seq, time, account };
      if (r.off < end) cmd.requestId = r.str();
      break;
    }
    case 'cancelAllAfter':
      cmd = { type, seq, time, account: r.f64(), deadline: r.f64() };
      break;
    case 'deposit':
    case 'withdraw':
      cmd = { type, seq, time, account: r.f64(), asset: r.str(), amount: r.str(), transferId: r.str() };
      break;
    case 'halt':
    case 'resume':
      cmd = { type, seq, time, symbol: r.str() };
      break;
    case 'tick':
      cmd = { type, seq, time };
      break;
  }
  if (r.off !== end) throw new RangeError('journal record has trailing bytes');
  return cmd;
}
