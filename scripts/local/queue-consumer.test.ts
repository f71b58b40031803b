/**
 * The local stand-in for the Amazon MQ event source, against a real RabbitMQ and a stand-in for
 * serverless offline's Lambda endpoint that fails any batch holding a poison body: events arrive in
 * batches and in order, and a poison message is found alone and dead-lettered while the rest of its
 * batch is delivered.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as amqp from 'amqplib';
import { showDlq } from '../dlq';
import { consumeOrderEvents, MAX_ATTEMPTS, type QueueConsumer } from './queue-consumer';

const AMQP = 'amqp://guest:guest@127.0.0.1:5672';
const exchange = `order-events-qc-${process.pid}-${Date.now()}`;
/** the bodies of each invocation, in order */
const invocations: string[][] = [];
let server: Server;
let consumer: QueueConsumer;

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      const event = JSON.parse(text) as { rmqMessagesByQueue: Record<string, { data: string }[]> };
      const bodies = Object.values(event.rmqMessagesByQueue)
        .flat()
        .map((m) => Buffer.from(m.data, 'base64').toString('utf8'));
      invocations.push(bodies);
      // what serverless offline answers when the handler throws
      res.end(
        bodies.includes('poison') ? JSON.stringify({ errorMessage: 'not an order event' }) : JSON.stringify({ handled: bodies.length }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  consumer = await consumeOrderEvents({
    amqpUrl: AMQP,
    exchange,
    lambdaPort: (server.address() as AddressInfo).port,
    fn: 'orderEvents',
    log: () => undefined,
  });
});

afterAll(async () => {
  await consumer.stop();
  server.close();
  const conn = await amqp.connect(AMQP);
  const ch = await conn.createChannel();
  for (const q of [`${exchange}.history`, `${exchange}.dlq`]) await ch.deleteQueue(q);
  for (const x of [exchange, `${exchange}.dlx`]) await ch.deleteExchange(x);
  await conn.close();
});

async function publish(bodies: string[]): Promise<void> {
  const conn = await amqp.connect(AMQP);
  const ch = await conn.createConfirmChannel();
  bodies.forEach((b, i) => ch.publish(exchange, 'order.1.fill', Buffer.from(b), { persistent: true, messageId: `${b}-${i}` }));
  await ch.waitForConfirms();
  await conn.close();
}

async function until(done: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await done()); i++) await new Promise((r) => setTimeout(r, 50));
}

it('delivers what is published together as batches, in order', async () => {
  invocations.length = 0;
  const bodies = Array.from({ length: 150 }, (_, i) => `e${i}`);
  await publish(bodies);
  await until(() => invocations.flat().length >= 150);
  expect(invocations.flat()).toEqual(bodies);
  // far fewer invocations than messages (at most 100 each)
  expect(invocations.length).toBeLessThan(10);
  expect(Math.max(...invocations.map((b) => b.length))).toBeLessThanOrEqual(100);
});

it('isolates a poison message: the rest of its batch is delivered, it alone is dead-lettered after bounded attempts', async () => {
  invocations.length = 0;
  await publish(['a', 'poison', 'b']);
  await until(async () => (await showDlq(AMQP, 10, exchange)).count === 1);
  const dead = await showDlq(AMQP, 10, exchange);
  expect(dead.messages.map((m) => m.messageId)).toEqual(['poison-1']);
  // every single delivery of the poison failed; a and b each got through
  expect(invocations.filter((b) => b.length === 1 && b[0] === 'poison')).toHaveLength(MAX_ATTEMPTS);
  const alone = invocations.filter((b) => b.length === 1 && b[0] !== 'poison').flat();
  expect(alone).toEqual(['a', 'b']);
}, 20_000);
