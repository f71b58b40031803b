/**
 * The broker carries what settlement posts: outside `local`, the host and the functions refuse to
 * start with RabbitMQ's well-known guest account or with no credentials at all.
 */
import { loadHostConfig } from '../server/config';
import { loadConfig } from '../../functions/shared/config';

const prod = { STAGE: 'prod', HOST_EVENT_SIGNING_KEY_FILE: '/run/exchange/order-event-signing-key.pem' };
const functionsProd = { STAGE: 'prod', JWT_VERIFY_JWKS: '[]' };

describe('broker credentials outside local', () => {
  it.each([
    ['the guest account', 'amqps://guest:guest@mq.internal:5671', /AMQP_URL: uses the well-known guest account/],
    ['no credentials', 'amqps://mq.internal:5671', /AMQP_URL: has no credentials/],
    ['a user without a password', 'amqps://exchange@mq.internal:5671', /AMQP_URL: has no credentials/],
  ])('the host refuses %s on stage prod', (_, url, problem) => {
    expect(() => loadHostConfig({ ...prod, AMQP_URL: url })).toThrow(problem);
  });

  it("the host refuses its default (the local broker's guest account) on stage prod, and unsigned order events", () => {
    expect(() => loadHostConfig(prod)).toThrow(/AMQP_URL: uses the well-known guest account/);
    expect(() => loadHostConfig({ STAGE: 'prod', AMQP_URL: 'amqps://exchange:s3cret@mq.internal:5671' })).toThrow(
      /HOST_EVENT_SIGNING_KEY_FILE: stage prod publishes order events: they must be signed/,
    );
    expect(loadHostConfig({ ...prod, AMQP_URL: 'amqps://exchange:s3cret@mq.internal:5671' }).AMQP_URL).toBe(
      'amqps://exchange:s3cret@mq.internal:5671',
    );
  });

  it('the functions refuse the guest account or no credentials on stage prod; the local stage keeps its guest broker', () => {
    expect(() => loadConfig({ ...functionsProd, AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672' })).toThrow(
      /AMQP_URL: uses the well-known guest account/,
    );
    expect(() => loadConfig({ ...functionsProd, AMQP_URL: 'amqps://mq.internal:5671' })).toThrow(/AMQP_URL: has no credentials/);
    // a function not given the broker has none (not the local guest one)
    expect(loadConfig(functionsProd).AMQP_URL).toBe('');
    expect(loadConfig({ ...functionsProd, AMQP_URL: 'amqps://exchange:s3cret@mq.internal:5671' }).AMQP_URL).toBe(
      'amqps://exchange:s3cret@mq.internal:5671',
    );
    expect(loadConfig({ JWT_VERIFY_JWKS: '[]' }).AMQP_URL).toBe('amqp://guest:guest@127.0.0.1:5672');
    expect(loadHostConfig({}).AMQP_URL).toBe('amqp://guest:guest@127.0.0.1:5672');
  });
});
