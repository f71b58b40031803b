import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Balance as _exchange_matching_v1_Balance, Balance__Output as _exchange_matching_v1_Balance__Output } from './exchange/matching/v1/Balance';
import type { BalancesReply as _exchange_matching_v1_BalancesReply, BalancesReply__Output as _exchange_matching_v1_BalancesReply__Output } from './exchange/matching/v1/BalancesReply';
import type { BookReply as _exchange_matching_v1_BookReply, BookReply__Output as _exchange_matching_v1_BookReply__Output } from './exchange/matching/v1/BookReply';
import type { CancelAfterReply as _exchange_matching_v1_CancelAfterReply, CancelAfterReply__Output as _exchange_matching_v1_CancelAfterReply__Output } from './exchange/matching/v1/CancelAfterReply';
import type { CancelAfterRequest as _exchange_matching_v1_CancelAfterRequest, CancelAfterRequest__Output as _exchange_matching_v1_CancelAfterRequest__Output } from './exchange/matching/v1/CancelAfterRequest';
import type { CancelAllRequest as _exchange_matching_v1_CancelAllRequest, CancelAllRequest__Output as _exchange_matching_v1_CancelAllRequest__Output } from './exchange/matching/v1/CancelAllRequest';
import type { CancelOrderRequest as _exchange_matching_v1_CancelOrderRequest, CancelOrderRequest__Output as _exchange_matching_v1_CancelOrderRequest__Output } from './exchange/matching/v1/CancelOrderRequest';
import type { CancelReply as _exchange_matching_v1_CancelReply, CancelReply__Output as _exchange_matching_v1_CancelReply__Output } from './exchange/matching/v1/CancelReply';
import type { EpochRequest as _exchange_matching_v1_EpochRequest, EpochRequest__Output as _exchange_matching_v1_EpochRequest__Output } from './exchange/matching/v1/EpochRequest';
import type { EpochStart as _exchange_matching_v1_EpochStart, EpochStart__Output as _exchange_matching_v1_EpochStart__Output } from './exchange/matching/v1/EpochStart';
import type { Fill as _exchange_matching_v1_Fill, Fill__Output as _exchange_matching_v1_Fill__Output } from './exchange/matching/v1/Fill';
import type { GetBalancesRequest as _exchange_matching_v1_GetBalancesRequest, GetBalancesRequest__Output as _exchange_matching_v1_GetBalancesRequest__Output } from './exchange/matching/v1/GetBalancesRequest';
import type { GetBookRequest as _exchange_matching_v1_GetBookRequest, GetBookRequest__Output as _exchange_matching_v1_GetBookRequest__Output } from './exchange/matching/v1/GetBookRequest';
import type { GetOrderRequest as _exchange_matching_v1_GetOrderRequest, GetOrderRequest__Output as _exchange_matching_v1_GetOrderRequest__Output } from './exchange/matching/v1/GetOrderRequest';
import type { HealthReply as _exchange_matching_v1_HealthReply, HealthReply__Output as _exchange_matching_v1_HealthReply__Output } from './exchange/matching/v1/HealthReply';
import type { HealthRequest as _exchange_matching_v1_HealthRequest, HealthRequest__Output as _exchange_matching_v1_HealthRequest__Output } from './exchange/matching/v1/HealthRequest';
import type { Level as _exchange_matching_v1_Level, Level__Output as _exchange_matching_v1_Level__Output } from './exchange/matching/v1/Level';
import type { ListOpenOrdersReply as _exchange_matching_v1_ListOpenOrdersReply, ListOpenOrdersReply__Output as _exchange_matching_v1_ListOpenOrdersReply__Output } from './exchange/matching/v1/ListOpenOrdersReply';
import type { ListOpenOrdersRequest as _exchange_matching_v1_ListOpenOrdersRequest, ListOpenOrdersRequest__Output as _exchange_matching_v1_ListOpenOrdersRequest__Output } from './exchange/matching/v1/ListOpenOrdersRequest';
import type { MatchingHostClient as _exchange_matching_v1_MatchingHostClient, MatchingHostDefinition as _exchange_matching_v1_MatchingHostDefinition } from './exchange/matching/v1/MatchingHost';
import type { OpenOrder as _exchange_matching_v1_OpenOrder, OpenOrder__Output as _exchange_matching_v1_OpenOrder__Output } from './exchange/matching/v1/OpenOrder';
import type { OrderReply as _exchange_matching_v1_OrderReply, OrderReply__Output as _exchange_matching_v1_OrderReply__Output } from './exchange/matching/v1/OrderReply';
import type { PlaceOrderRequest as _exchange_matching_v1_PlaceOrderRequest, PlaceOrderRequest__Output as _exchange_matching_v1_PlaceOrderRequest__Output } from './exchange/matching/v1/PlaceOrderRequest';
import type { ReplaceOrderRequest as _exchange_matching_v1_ReplaceOrderRequest, ReplaceOrderRequest__Output as _exchange_matching_v1_ReplaceOrderRequest__Output } from './exchange/matching/v1/ReplaceOrderRequest';
import type { ReplicaAck as _exchange_matching_v1_ReplicaAck, ReplicaAck__Output as _exchange_matching_v1_ReplicaAck__Output } from './exchange/matching/v1/ReplicaAck';
import type { ReplicationBatch as _exchange_matching_v1_ReplicationBatch, ReplicationBatch__Output as _exchange_matching_v1_ReplicationBatch__Output } from './exchange/matching/v1/ReplicationBatch';
import type { StatusReply as _exchange_matching_v1_StatusReply, StatusReply__Output as _exchange_matching_v1_StatusReply__Output } from './exchange/matching/v1/StatusReply';
import type { SymbolRequest as _exchange_matching_v1_SymbolRequest, SymbolRequest__Output as _exchange_matching_v1_SymbolRequest__Output } from './exchange/matching/v1/SymbolRequest';
import type { TransferReply as _exchange_matching_v1_TransferReply, TransferReply__Output as _exchange_matching_v1_TransferReply__Output } from './exchange/matching/v1/TransferReply';
import type { TransferRequest as _exchange_matching_v1_TransferRequest, TransferRequest__Output as _exchange_matching_v1_TransferRequest__Output } from './exchange/matching/v1/TransferRequest';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  exchange: {
    matching: {
      v1: {
        Balance: MessageTypeDefinition<_exchange_matching_v1_Balance, _exchange_matching_v1_Balance__Output>
        BalancesReply: MessageTypeDefinition<_exchange_matching_v1_BalancesReply, _exchange_matching_v1_BalancesReply__Output>
        BookReply: MessageTypeDefinition<_exchange_matching_v1_BookReply, _exchange_matching_v1_BookReply__Output>
        CancelAfterReply: MessageTypeDefinition<_exchange_matching_v1_CancelAfterReply, _exchange_matching_v1_CancelAfterReply__Output>
        CancelAfterRequest: MessageTypeDefinition<_exchange_matching_v1_CancelAfterRequest, _exchange_matching_v1_CancelAfterRequest__Output>
        CancelAllRequest: MessageTypeDefinition<_exchange_matching_v1_CancelAllRequest, _exchange_matching_v1_CancelAllRequest__Output>
        CancelOrderRequest: MessageTypeDefinition<_exchange_matching_v1_CancelOrderRequest, _exchange_matching_v1_CancelOrderRequest__Output>
        CancelReply: MessageTypeDefinition<_exchange_matching_v1_CancelReply, _exchange_matching_v1_CancelReply__Output>
        EpochRequest: MessageTypeDefinition<_exchange_matching_v1_EpochRequest, _exchange_matching_v1_EpochRequest__Output>
        EpochStart: MessageTypeDefinition<_exchange_matching_v1_EpochStart, _exchange_matching_v1_EpochStart__Output>
        Fill: MessageTypeDefinition<_exchange_matching_v1_Fill, _exchange_matching_v1_Fill__Output>
        GetBalancesRequest: MessageTypeDefinition<_exchange_matching_v1_GetBalancesRequest, _exchange_matching_v1_GetBalancesRequest__Output>
        GetBookRequest: MessageTypeDefinition<_exchange_matching_v1_GetBookRequest, _exchange_matching_v1_GetBookRequest__Output>
        GetOrderRequest: MessageTypeDefinition<_exchange_matching_v1_GetOrderRequest, _exchange_matching_v1_GetOrderRequest__Output>
        HealthReply: MessageTypeDefinition<_exchange_matching_v1_HealthReply, _exchange_matching_v1_HealthReply__Output>
        HealthRequest: MessageTypeDefinition<_exchange_matching_v1_HealthRequest, _exchange_matching_v1_HealthRequest__Output>
        Level: MessageTypeDefinition<_exchange_matching_v1_Level, _exchange_matching_v1_Level__Output>
        ListOpenOrdersReply: MessageTypeDefinition<_exchange_matching_v1_ListOpenOrdersReply, _exchange_matching_v1_ListOpenOrdersReply__Output>
        ListOpenOrdersRequest: MessageTypeDefinition<_exchange_matching_v1_ListOpenOrdersRequest, _exchange_matching_v1_ListOpenOrdersRequest__Output>
        MatchingHost: SubtypeConstructor<typeof grpc.Client, _exchange_matching_v1_MatchingHostClient> & { service: _exchange_matching_v1_MatchingHostDefinition }
        OpenOrder: MessageTypeDefinition<_exchange_matching_v1_OpenOrder, _exchange_matching_v1_OpenOrder__Output>
        OrderReply: MessageTypeDefinition<_exchange_matching_v1_OrderReply, _exchange_matching_v1_OrderReply__Output>
        PlaceOrderRequest: MessageTypeDefinition<_exchange_matching_v1_PlaceOrderRequest, _exchange_matching_v1_PlaceOrderRequest__Output>
        ReplaceOrderRequest: MessageTypeDefinition<_exchange_matching_v1_ReplaceOrderRequest, _exchange_matching_v1_ReplaceOrderRequest__Output>
        ReplicaAck: MessageTypeDefinition<_exchange_matching_v1_ReplicaAck, _exchange_matching_v1_ReplicaAck__Output>
        ReplicationBatch: MessageTypeDefinition<_exchange_matching_v1_ReplicationBatch, _exchange_matching_v1_ReplicationBatch__Output>
        StatusReply: MessageTypeDefinition<_exchange_matching_v1_StatusReply, _exchange_matching_v1_StatusReply__Output>
        SymbolRequest: MessageTypeDefinition<_exchange_matching_v1_SymbolRequest, _exchange_matching_v1_SymbolRequest__Output>
        TransferReply: MessageTypeDefinition<_exchange_matching_v1_TransferReply, _exchange_matching_v1_TransferReply__Output>
        TransferRequest: MessageTypeDefinition<_exchange_matching_v1_TransferRequest, _exchange_matching_v1_TransferRequest__Output>
      }
    }
  }
}

