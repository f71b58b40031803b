/**
 * The AsyncAPI 3.0 document of the WebSocket API: the client frames (generated from the routes'
 * zod schemas) and the messages the server sends. `npm run docs:api` writes functions/api/asyncapi.json.
 */
import { jsonSchemaOf } from './json-schema';
import { PlacedOrder } from '../orders/responses';
import { PlaceOrder } from '../orders/schemas';
import { OrderEvent } from '../../matching-host/proto/messages';
import { CancelOrderFrame, SubscriptionFrame } from '../ws/schemas';

type Json = Record<string, unknown>;
const schemaOf = jsonSchemaOf;

const envelope = (channel: string, type: string[], data: Json | null): Json => ({
  type: 'object',
  required: ['channel', 'type', 'symbol', 'sequence', 'time'],
  properties: {
    channel: { const: channel },
    type: { enum: type },
    symbol: { type: 'string' },
    sequence: { type: 'integer', description: "the symbol's market data sequence" },
    time: { type: 'integer', description: 'epoch ms' },
    ...(data ? { data } : {}),
  },
});

export function asyncApiDocument(version: string): Json {
  const placeOrder = schemaOf(PlaceOrder) as { properties: Json; required: string[] };
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Open Exchange WebSocket API',
      version,
      description:
        "Connect to ws://localhost:3001 (npm start); for the user channel and trading offer the subprotocols ['exchange.v1', 'bearer.<access token>'] (the server answers exchange.v1); a ?token= in the URL is accepted on stage local only.",
    },
    servers: { local: { host: 'localhost:3001', protocol: 'ws' } },
    channels: {
      exchange: {
        address: '/',
        messages: {
          subscribe: { payload: schemaOf(SubscriptionFrame) },
          placeOrder: {
            payload: {
              ...placeOrder,
              properties: { action: { const: 'placeOrder' }, id: { type: 'string', maxLength: 64 }, ...placeOrder.properties },
              required: ['action', ...placeOrder.required],
            },
          },
          cancelOrder: { payload: schemaOf(CancelOrderFrame) },
          subscriptions: {
            payload: {
              type: 'object',
              properties: {
                type: { const: 'subscriptions' },
                id: { type: 'string' },
                subscriptions: { type: 'array', items: { type: 'string' } },
              },
            },
          },
          order: {
            payload: {
              type: 'object',
              properties: {
                type: { const: 'order' },
                id: { type: 'string' },
                replayed: { type: 'boolean' },
                order: schemaOf(PlacedOrder, 'output'),
              },
            },
          },
          canceled: {
            payload: {
              type: 'object',
              properties: { type: { const: 'canceled' }, id: { type: 'string' }, canceled: { type: 'array', items: { type: 'string' } } },
            },
          },
          error: {
            payload: {
              type: 'object',
              required: ['type', 'code', 'message', 'requestId'],
              properties: {
                type: { const: 'error' },
                code: { type: 'string' },
                message: { type: 'string' },
                requestId: { type: 'string' },
              },
            },
          },
          level2: {
            payload: envelope('level2', ['snapshot', 'update', 'sequence'], {
              type: 'object',
              description: 'snapshot: {bids, asks} as [price, quantity, orders]; update: {side, price, quantity, orders}; sequence: none',
            }),
          },
          trades: {
            payload: envelope('trades', ['update'], {
              type: 'object',
              properties: { price: { type: 'string' }, quantity: { type: 'string' } },
            }),
          },
          ticker: { payload: envelope('ticker', ['snapshot', 'update'], { type: 'object' }) },
          user: {
            payload: {
              type: 'object',
              properties: {
                channel: { const: 'user' },
                type: { const: 'update' },
                sequence: { type: 'integer' },
                time: { type: 'integer' },
                data: { ...schemaOf(OrderEvent, 'output'), description: 'an order event of the caller (seq:idx identifies it)' },
              },
            },
          },
          heartbeat: {
            payload: {
              type: 'object',
              properties: { channel: { const: 'heartbeat' }, type: { const: 'update' }, time: { type: 'integer' } },
            },
          },
        },
      },
    },
    operations: {
      subscribe: {
        action: 'receive',
        channel: { $ref: '#/channels/exchange' },
        messages: [{ $ref: '#/channels/exchange/messages/subscribe' }],
        summary: 'subscribe / unsubscribe (client → server)',
      },
      placeOrder: {
        action: 'receive',
        channel: { $ref: '#/channels/exchange' },
        messages: [{ $ref: '#/channels/exchange/messages/placeOrder' }],
      },
      cancelOrder: {
        action: 'receive',
        channel: { $ref: '#/channels/exchange' },
        messages: [{ $ref: '#/channels/exchange/messages/cancelOrder' }],
      },
      serverMessages: {
        action: 'send',
        channel: { $ref: '#/channels/exchange' },
        messages: ['subscriptions', 'order', 'canceled', 'error', 'level2', 'trades', 'ticker', 'user', 'heartbeat'].map((m) => ({
          $ref: `#/channels/exchange/messages/${m}`,
        })),
      },
    },
  };
}
