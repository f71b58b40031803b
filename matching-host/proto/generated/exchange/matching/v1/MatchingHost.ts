// Original file: matching-host/proto/matching_host.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { BalancesReply as _exchange_matching_v1_BalancesReply, BalancesReply__Output as _exchange_matching_v1_BalancesReply__Output } from '../../../exchange/matching/v1/BalancesReply';
import type { BookReply as _exchange_matching_v1_BookReply, BookReply__Output as _exchange_matching_v1_BookReply__Output } from '../../../exchange/matching/v1/BookReply';
import type { CancelAfterReply as _exchange_matching_v1_CancelAfterReply, CancelAfterReply__Output as _exchange_matching_v1_CancelAfterReply__Output } from '../../../exchange/matching/v1/CancelAfterReply';
import type { CancelAfterRequest as _exchange_matching_v1_CancelAfterRequest, CancelAfterRequest__Output as _exchange_matching_v1_CancelAfterRequest__Output } from '../../../exchange/matching/v1/CancelAfterRequest';
import type { CancelAllRequest as _exchange_matching_v1_CancelAllRequest, CancelAllRequest__Output as _exchange_matching_v1_CancelAllRequest__Output } from '../../../exchange/matching/v1/CancelAllRequest';
import type { CancelOrderRequest as _exchange_matching_v1_CancelOrderRequest, CancelOrderRequest__Output as _exchange_matching_v1_CancelOrderRequest__Output } from '../../../exchange/matching/v1/CancelOrderRequest';
import type { CancelReply as _exchange_matching_v1_CancelReply, CancelReply__Output as _exchange_matching_v1_CancelReply__Output } from '../../../exchange/matching/v1/CancelReply';
import type { EpochRequest as _exchange_matching_v1_EpochRequest, EpochRequest__Output as _exchange_matching_v1_EpochRequest__Output } from '../../../exchange/matching/v1/EpochRequest';
import type { GetBalancesRequest as _exchange_matching_v1_GetBalancesRequest, GetBalancesRequest__Output as _exchange_matching_v1_GetBalancesRequest__Output } from '../../../exchange/matching/v1/GetBalancesRequest';
import type { GetBookRequest as _exchange_matching_v1_GetBookRequest, GetBookRequest__Output as _exchange_matching_v1_GetBookRequest__Output } from '../../../exchange/matching/v1/GetBookRequest';
import type { GetOrderRequest as _exchange_matching_v1_GetOrderRequest, GetOrderRequest__Output as _exchange_matching_v1_GetOrderRequest__Output } from '../../../exchange/matching/v1/GetOrderRequest';
import type { HealthReply as _exchange_matching_v1_HealthReply, HealthReply__Output as _exchange_matching_v1_HealthReply__Output } from '../../../exchange/matching/v1/HealthReply';
import type { HealthRequest as _exchange_matching_v1_HealthRequest, HealthRequest__Output as _exchange_matching_v1_HealthRequest__Output } from '../../../exchange/matching/v1/HealthRequest';
import type { ListOpenOrdersReply as _exchange_matching_v1_ListOpenOrdersReply, ListOpenOrdersReply__Output as _exchange_matching_v1_ListOpenOrdersReply__Output } from '../../../exchange/matching/v1/ListOpenOrdersReply';
import type { ListOpenOrdersRequest as _exchange_matching_v1_ListOpenOrdersRequest, ListOpenOrdersRequest__Output as _exchange_matching_v1_ListOpenOrdersRequest__Output } from '../../../exchange/matching/v1/ListOpenOrdersRequest';
import type { OpenOrder as _exchange_matching_v1_OpenOrder, OpenOrder__Output as _exchange_matching_v1_OpenOrder__Output } from '../../../exchange/matching/v1/OpenOrder';
import type { OrderReply as _exchange_matching_v1_OrderReply, OrderReply__Output as _exchange_matching_v1_OrderReply__Output } from '../../../exchange/matching/v1/OrderReply';
import type { PlaceOrderRequest as _exchange_matching_v1_PlaceOrderRequest, PlaceOrderRequest__Output as _exchange_matching_v1_PlaceOrderRequest__Output } from '../../../exchange/matching/v1/PlaceOrderRequest';
import type { ReplaceOrderRequest as _exchange_matching_v1_ReplaceOrderRequest, ReplaceOrderRequest__Output as _exchange_matching_v1_ReplaceOrderRequest__Output } from '../../../exchange/matching/v1/ReplaceOrderRequest';
import type { ReplicaAck as _exchange_matching_v1_ReplicaAck, ReplicaAck__Output as _exchange_matching_v1_ReplicaAck__Output } from '../../../exchange/matching/v1/ReplicaAck';
import type { ReplicationBatch as _exchange_matching_v1_ReplicationBatch, ReplicationBatch__Output as _exchange_matching_v1_ReplicationBatch__Output } from '../../../exchange/matching/v1/ReplicationBatch';
import type { StatusReply as _exchange_matching_v1_StatusReply, StatusReply__Output as _exchange_matching_v1_StatusReply__Output } from '../../../exchange/matching/v1/StatusReply';
import type { SymbolRequest as _exchange_matching_v1_SymbolRequest, SymbolRequest__Output as _exchange_matching_v1_SymbolRequest__Output } from '../../../exchange/matching/v1/SymbolRequest';
import type { TransferReply as _exchange_matching_v1_TransferReply, TransferReply__Output as _exchange_matching_v1_TransferReply__Output } from '../../../exchange/matching/v1/TransferReply';
import type { TransferRequest as _exchange_matching_v1_TransferRequest, TransferRequest__Output as _exchange_matching_v1_TransferRequest__Output } from '../../../exchange/matching/v1/TransferRequest';

export interface MatchingHostClient extends grpc.Client {
  CancelAll(argument: _exchange_matching_v1_CancelAllRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_CancelReply__Output>): grpc.ClientUnaryCall;
  CancelAll(argument: _exchange_matching_v1_CancelAllRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_exchange_matching_v1_CancelReply__Output>): grpc.ClientUnaryCall;
  CancelAll(argument: _exchange_matching_v1_CancelAllRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_CancelReply__Output>): grpc.ClientUnaryCall;
  CancelAll(argument: _exchange_matching_v1_CancelAllRequest, callback: grpc.requestCallback<_exchange_matching_v1_CancelReply__Output>): grpc.ClientUnaryCall;
  cancelAll(argument: _exchange_matching_v1_CancelAllRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_CancelReply__Output>): grpc.ClientUnaryCall;
  cancelAll(argument: _exchange_matching_v1_CancelAllRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_exchange_matching_v1_CancelReply__Output>): grpc.ClientUnaryCall;
  cancelAll(argument: _exchange_matching_v1_CancelAllRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_CancelReply__Output>): grpc.ClientUnaryCall;
  cancelAll(argument: _exchange_matching_v1_CancelAllRequest, callback: grpc.requestCallback<_exchange_matching_v1_CancelReply__Output>): grpc.ClientUnaryCall;
  
  CancelAllAfter(argument: _exchange_matching_v1_CancelAfterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_CancelAfterReply__Output>): grpc.ClientUnaryCall;
  CancelAllAfter(argument: _exchange_matching_v1_CancelAfterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_exchange_matching_v1_CancelAfterReply__Output>): grpc.ClientUnaryCall;
  CancelAllAfter(argument: _exchange_matching_v1_CancelAfterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_CancelAfterReply__Output>): grpc.ClientUnaryCall;
  CancelAllAfter(argument: _exchange_matching_v1_CancelAfterRequest, callback: grpc.requestCallback<_exchange_matching_v1_CancelAfterReply__Output>): grpc.ClientUnaryCall;
  cancelAllAfter(argument: _exchange_matching_v1_CancelAfterRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_CancelAfterReply__Output>): grpc.ClientUnaryCall;
  cancelAllAfter(argument: _exchange_matching_v1_CancelAfterRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_exchange_matching_v1_CancelAfterReply__Output>): grpc.ClientUnaryCall;
  cancelAllAfter(argument: _exchange_matching_v1_CancelAfterRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_CancelAfterReply__Output>): grpc.ClientUnaryCall;
  cancelAllAfter(argument: _exchange_matching_v1_CancelAfterRequest, callback: grpc.requestCallback<_exchange_matching_v1_CancelAfterReply__Output>): grpc.ClientUnaryCall;
  
  CancelOrder(argument: _exchange_matching_v1_CancelOrderRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_CancelReply__Output>): grpc.ClientUnaryCall;
  CancelOrder(argument: _exchange_matching_v1_CancelOrderRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_exchange_matching_v1_CancelReply__Output>): grpc.ClientUnaryCall;
  CancelOrder(argument: _exchange_matching_v1_CancelOrderRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_CancelReply__Output>): grpc.ClientUnaryCall;
  CancelOrder(argument: _exchange_matching_v1_CancelOrderRequest, callback: grpc.requestCallback<_exchange_matching_v1_CancelReply__Output>): grpc.ClientUnaryCall;
  cancelOrder(argument: _exchange_matching_v1_CancelOrderRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_CancelReply__Output>): grpc.ClientUnaryCall;
  cancelOrder(argument: _exchange_matching_v1_CancelOrderRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_exchange_matching_v1_CancelReply__Output>): grpc.ClientUnaryCall;
  cancelOrder(argument: _exchange_matching_v1_CancelOrderRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_CancelReply__Output>): grpc.ClientUnaryCall;
  cancelOrder(argument: _exchange_matching_v1_CancelOrderRequest, callback: grpc.requestCallback<_exchange_matching_v1_CancelReply__Output>): grpc.ClientUnaryCall;
  
  Deposit(argument: _exchange_matching_v1_TransferRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_TransferReply__Output>): grpc.ClientUnaryCall;
  Deposit(argument: _exchange_matching_v1_TransferRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_exchange_matching_v1_TransferReply__Output>): grpc.ClientUnaryCall;
  Deposit(argument: _exchange_matching_v1_TransferRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_TransferReply__Output>): grpc.ClientUnaryCall;
  Deposit(argument: _exchange_matching_v1_TransferRequest, callback: grpc.requestCallback<_exchange_matching_v1_TransferReply__Output>): grpc.ClientUnaryCall;
  deposit(argument: _exchange_matching_v1_TransferRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_TransferReply__Output>): grpc.ClientUnaryCall;
  deposit(argument: _exchange_matching_v1_TransferRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_exchange_matching_v1_TransferReply__Output>): grpc.ClientUnaryCall;
  deposit(argument: _exchange_matching_v1_TransferRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_TransferReply__Output>): grpc.ClientUnaryCall;
  deposit(argument: _exchange_matching_v1_TransferRequest, callback: grpc.requestCallback<_exchange_matching_v1_TransferReply__Output>): grpc.ClientUnaryCall;
  
  Fence(argument: _exchange_matching_v1_EpochRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_HealthReply__Output>): grpc.ClientUnaryCall;
  Fence(argument: _exchange_matching_v1_EpochRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_exchange_matching_v1_HealthReply__Output>): grpc.ClientUnaryCall;
  Fence(argument: _exchange_matching_v1_EpochRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_HealthReply__Output>): grpc.ClientUnaryCall;
  Fence(argument: _exchange_matching_v1_EpochRequest, callback: grpc.requestCallback<_exchange_matching_v1_HealthReply__Output>): grpc.ClientUnaryCall;
  fence(argument: _exchange_matching_v1_EpochRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_HealthReply__Output>): grpc.ClientUnaryCall;
  fence(argument: _exchange_matching_v1_EpochRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_exchange_matching_v1_HealthReply__Output>): grpc.ClientUnaryCall;
  fence(argument: _exchange_matching_v1_EpochRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_HealthReply__Output>): grpc.ClientUnaryCall;
  fence(argument: _exchange_matching_v1_EpochRequest, callback: grpc.requestCallback<_exchange_matching_v1_HealthReply__Output>): grpc.ClientUnaryCall;
  
  GetBalances(argument: _exchange_matching_v1_GetBalancesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_BalancesReply__Output>): grpc.ClientUnaryCall;
  GetBalances(argument: _exchange_matching_v1_GetBalancesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_exchange_matching_v1_BalancesReply__Output>): grpc.ClientUnaryCall;
  GetBalances(argument: _exchange_matching_v1_GetBalancesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_BalancesReply__Output>): grpc.ClientUnaryCall;
  GetBalances(argument: _exchange_matching_v1_GetBalancesRequest, callback: grpc.requestCallback<_exchange_matching_v1_BalancesReply__Output>): grpc.ClientUnaryCall;
  getBalances(argument: _exchange_matching_v1_GetBalancesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_BalancesReply__Output>): grpc.ClientUnaryCall;
  getBalances(argument: _exchange_matching_v1_GetBalancesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_exchange_matching_v1_BalancesReply__Output>): grpc.ClientUnaryCall;
  getBalances(argument: _exchange_matching_v1_GetBalancesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_BalancesReply__Output>): grpc.ClientUnaryCall;
  getBalances(argument: _exchange_matching_v1_GetBalancesRequest, callback: grpc.requestCallback<_exchange_matching_v1_BalancesReply__Output>): grpc.ClientUnaryCall;
  
  GetBook(argument: _exchange_matching_v1_GetBookRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_BookReply__Output>): grpc.ClientUnaryCall;
  GetBook(argument: _exchange_matching_v1_GetBookRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_exchange_matching_v1_BookReply__Output>): grpc.ClientUnaryCall;
  GetBook(argument: _exchange_matching_v1_GetBookRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_BookReply__Output>): grpc.ClientUnaryCall;
  GetBook(argument: _exchange_matching_v1_GetBookRequest, callback: grpc.requestCallback<_exchange_matching_v1_BookReply__Output>): grpc.ClientUnaryCall;
  getBook(argument: _exchange_matching_v1_GetBookRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_BookReply__Output>): grpc.ClientUnaryCall;
  getBook(argument: _exchange_matching_v1_GetBookRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_exchange_matching_v1_BookReply__Output>): grpc.ClientUnaryCall;
  getBook(argument: _exchange_matching_v1_GetBookRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_BookReply__Output>): grpc.ClientUnaryCall;
  getBook(argument: _exchange_matching_v1_GetBookRequest, callback: grpc.requestCallback<_exchange_matching_v1_BookReply__Output>): grpc.ClientUnaryCall;
  
  GetOrder(argument: _exchange_matching_v1_GetOrderRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_OpenOrder__Output>): grpc.ClientUnaryCall;
  GetOrder(argument: _exchange_matching_v1_GetOrderRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_exchange_matching_v1_OpenOrder__Output>): grpc.ClientUnaryCall;
  GetOrder(argument: _exchange_matching_v1_GetOrderRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_OpenOrder__Output>): grpc.ClientUnaryCall;
  GetOrder(argument: _exchange_matching_v1_GetOrderRequest, callback: grpc.requestCallback<_exchange_matching_v1_OpenOrder__Output>): grpc.ClientUnaryCall;
  getOrder(argument: _exchange_matching_v1_GetOrderRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_OpenOrder__Output>): grpc.ClientUnaryCall;
  getOrder(argument: _exchange_matching_v1_GetOrderRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_exchange_matching_v1_OpenOrder__Output>): grpc.ClientUnaryCall;
  getOrder(argument: _exchange_matching_v1_GetOrderRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_OpenOrder__Output>): grpc.ClientUnaryCall;
  getOrder(argument: _exchange_matching_v1_GetOrderRequest, callback: grpc.requestCallback<_exchange_matching_v1_OpenOrder__Output>): grpc.ClientUnaryCall;
  
  HaltSymbol(argument: _exchange_matching_v1_SymbolRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  HaltSymbol(argument: _exchange_matching_v1_SymbolRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_exchange_matching_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  HaltSymbol(argument: _exchange_matching_v1_SymbolRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  HaltSymbol(argument: _exchange_matching_v1_SymbolRequest, callback: grpc.requestCallback<_exchange_matching_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  haltSymbol(argument: _exchange_matching_v1_SymbolRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  haltSymbol(argument: _exchange_matching_v1_SymbolRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_exchange_matching_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  haltSymbol(argument: _exchange_matching_v1_SymbolRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  haltSymbol(argument: _exchange_matching_v1_SymbolRequest, callback: grpc.requestCallback<_exchange_matching_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  
  Health(argument: _exchange_matching_v1_HealthRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_HealthReply__Output>): grpc.ClientUnaryCall;
  Health(argument: _exchange_matching_v1_HealthRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_exchange_matching_v1_HealthReply__Output>): grpc.ClientUnaryCall;
  Health(argument: _exchange_matching_v1_HealthRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_HealthReply__Output>): grpc.ClientUnaryCall;
  Health(argument: _exchange_matching_v1_HealthRequest, callback: grpc.requestCallback<_exchange_matching_v1_HealthReply__Output>): grpc.ClientUnaryCall;
  health(argument: _exchange_matching_v1_HealthRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_HealthReply__Output>): grpc.ClientUnaryCall;
  health(argument: _exchange_matching_v1_HealthRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_exchange_matching_v1_HealthReply__Output>): grpc.ClientUnaryCall;
  health(argument: _exchange_matching_v1_HealthRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_HealthReply__Output>): grpc.ClientUnaryCall;
  health(argument: _exchange_matching_v1_HealthRequest, callback: grpc.requestCallback<_exchange_matching_v1_HealthReply__Output>): grpc.ClientUnaryCall;
  
  ListOpenOrders(argument: _exchange_matching_v1_ListOpenOrdersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_ListOpenOrdersReply__Output>): grpc.ClientUnaryCall;
  ListOpenOrders(argument: _exchange_matching_v1_ListOpenOrdersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_exchange_matching_v1_ListOpenOrdersReply__Output>): grpc.ClientUnaryCall;
  ListOpenOrders(argument: _exchange_matching_v1_ListOpenOrdersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_ListOpenOrdersReply__Output>): grpc.ClientUnaryCall;
  ListOpenOrders(argument: _exchange_matching_v1_ListOpenOrdersRequest, callback: grpc.requestCallback<_exchange_matching_v1_ListOpenOrdersReply__Output>): grpc.ClientUnaryCall;
  listOpenOrders(argument: _exchange_matching_v1_ListOpenOrdersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_ListOpenOrdersReply__Output>): grpc.ClientUnaryCall;
  listOpenOrders(argument: _exchange_matching_v1_ListOpenOrdersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_exchange_matching_v1_ListOpenOrdersReply__Output>): grpc.ClientUnaryCall;
  listOpenOrders(argument: _exchange_matching_v1_ListOpenOrdersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_ListOpenOrdersReply__Output>): grpc.ClientUnaryCall;
  listOpenOrders(argument: _exchange_matching_v1_ListOpenOrdersRequest, callback: grpc.requestCallback<_exchange_matching_v1_ListOpenOrdersReply__Output>): grpc.ClientUnaryCall;
  
  PlaceOrder(argument: _exchange_matching_v1_PlaceOrderRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_OrderReply__Output>): grpc.ClientUnaryCall;
  PlaceOrder(argument: _exchange_matching_v1_PlaceOrderRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_exchange_matching_v1_OrderReply__Output>): grpc.ClientUnaryCall;
  PlaceOrder(argument: _exchange_matching_v1_PlaceOrderRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_OrderReply__Output>): grpc.ClientUnaryCall;
  PlaceOrder(argument: _exchange_matching_v1_PlaceOrderRequest, callback: grpc.requestCallback<_exchange_matching_v1_OrderReply__Output>): grpc.ClientUnaryCall;
  placeOrder(argument: _exchange_matching_v1_PlaceOrderRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_OrderReply__Output>): grpc.ClientUnaryCall;
  placeOrder(argument: _exchange_matching_v1_PlaceOrderRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_exchange_matching_v1_OrderReply__Output>): grpc.ClientUnaryCall;
  placeOrder(argument: _exchange_matching_v1_PlaceOrderRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_OrderReply__Output>): grpc.ClientUnaryCall;
  placeOrder(argument: _exchange_matching_v1_PlaceOrderRequest, callback: grpc.requestCallback<_exchange_matching_v1_OrderReply__Output>): grpc.ClientUnaryCall;
  
  Promote(argument: _exchange_matching_v1_EpochRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_HealthReply__Output>): grpc.ClientUnaryCall;
  Promote(argument: _exchange_matching_v1_EpochRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_exchange_matching_v1_HealthReply__Output>): grpc.ClientUnaryCall;
  Promote(argument: _exchange_matching_v1_EpochRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_HealthReply__Output>): grpc.ClientUnaryCall;
  Promote(argument: _exchange_matching_v1_EpochRequest, callback: grpc.requestCallback<_exchange_matching_v1_HealthReply__Output>): grpc.ClientUnaryCall;
  promote(argument: _exchange_matching_v1_EpochRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_HealthReply__Output>): grpc.ClientUnaryCall;
  promote(argument: _exchange_matching_v1_EpochRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_exchange_matching_v1_HealthReply__Output>): grpc.ClientUnaryCall;
  promote(argument: _exchange_matching_v1_EpochRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_HealthReply__Output>): grpc.ClientUnaryCall;
  promote(argument: _exchange_matching_v1_EpochRequest, callback: grpc.requestCallback<_exchange_matching_v1_HealthReply__Output>): grpc.ClientUnaryCall;
  
  ReplaceOrder(argument: _exchange_matching_v1_ReplaceOrderRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_CancelReply__Output>): grpc.ClientUnaryCall;
  ReplaceOrder(argument: _exchange_matching_v1_ReplaceOrderRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_exchange_matching_v1_CancelReply__Output>): grpc.ClientUnaryCall;
  ReplaceOrder(argument: _exchange_matching_v1_ReplaceOrderRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_CancelReply__Output>): grpc.ClientUnaryCall;
  ReplaceOrder(argument: _exchange_matching_v1_ReplaceOrderRequest, callback: grpc.requestCallback<_exchange_matching_v1_CancelReply__Output>): grpc.ClientUnaryCall;
  replaceOrder(argument: _exchange_matching_v1_ReplaceOrderRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_CancelReply__Output>): grpc.ClientUnaryCall;
  replaceOrder(argument: _exchange_matching_v1_ReplaceOrderRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_exchange_matching_v1_CancelReply__Output>): grpc.ClientUnaryCall;
  replaceOrder(argument: _exchange_matching_v1_ReplaceOrderRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_CancelReply__Output>): grpc.ClientUnaryCall;
  replaceOrder(argument: _exchange_matching_v1_ReplaceOrderRequest, callback: grpc.requestCallback<_exchange_matching_v1_CancelReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * DR: a standby streams the primary's journal. The standby opens the call with where it stands
   * and then acknowledges what it made durable; the primary streams batches (or a snapshot first
   * when the standby is too far behind or diverged) and, with synchronous replication, acks its
   * own clients only once the standby has the command.
   */
  Replicate(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_exchange_matching_v1_ReplicaAck, _exchange_matching_v1_ReplicationBatch__Output>;
  Replicate(options?: grpc.CallOptions): grpc.ClientDuplexStream<_exchange_matching_v1_ReplicaAck, _exchange_matching_v1_ReplicationBatch__Output>;
  /**
   * DR: a standby streams the primary's journal. The standby opens the call with where it stands
   * and then acknowledges what it made durable; the primary streams batches (or a snapshot first
   * when the standby is too far behind or diverged) and, with synchronous replication, acks its
   * own clients only once the standby has the command.
   */
  replicate(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_exchange_matching_v1_ReplicaAck, _exchange_matching_v1_ReplicationBatch__Output>;
  replicate(options?: grpc.CallOptions): grpc.ClientDuplexStream<_exchange_matching_v1_ReplicaAck, _exchange_matching_v1_ReplicationBatch__Output>;
  
  ResumeSymbol(argument: _exchange_matching_v1_SymbolRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  ResumeSymbol(argument: _exchange_matching_v1_SymbolRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_exchange_matching_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  ResumeSymbol(argument: _exchange_matching_v1_SymbolRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  ResumeSymbol(argument: _exchange_matching_v1_SymbolRequest, callback: grpc.requestCallback<_exchange_matching_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  resumeSymbol(argument: _exchange_matching_v1_SymbolRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  resumeSymbol(argument: _exchange_matching_v1_SymbolRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_exchange_matching_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  resumeSymbol(argument: _exchange_matching_v1_SymbolRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  resumeSymbol(argument: _exchange_matching_v1_SymbolRequest, callback: grpc.requestCallback<_exchange_matching_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  
  Withdraw(argument: _exchange_matching_v1_TransferRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_TransferReply__Output>): grpc.ClientUnaryCall;
  Withdraw(argument: _exchange_matching_v1_TransferRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_exchange_matching_v1_TransferReply__Output>): grpc.ClientUnaryCall;
  Withdraw(argument: _exchange_matching_v1_TransferRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_TransferReply__Output>): grpc.ClientUnaryCall;
  Withdraw(argument: _exchange_matching_v1_TransferRequest, callback: grpc.requestCallback<_exchange_matching_v1_TransferReply__Output>): grpc.ClientUnaryCall;
  withdraw(argument: _exchange_matching_v1_TransferRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_TransferReply__Output>): grpc.ClientUnaryCall;
  withdraw(argument: _exchange_matching_v1_TransferRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_exchange_matching_v1_TransferReply__Output>): grpc.ClientUnaryCall;
  withdraw(argument: _exchange_matching_v1_TransferRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_exchange_matching_v1_TransferReply__Output>): grpc.ClientUnaryCall;
  withdraw(argument: _exchange_matching_v1_TransferRequest, callback: grpc.requestCallback<_exchange_matching_v1_TransferReply__Output>): grpc.ClientUnaryCall;
  
}

export interface MatchingHostHandlers extends grpc.UntypedServiceImplementation {
  CancelAll: grpc.handleUnaryCall<_exchange_matching_v1_CancelAllRequest__Output, _exchange_matching_v1_CancelReply>;
  
  CancelAllAfter: grpc.handleUnaryCall<_exchange_matching_v1_CancelAfterRequest__Output, _exchange_matching_v1_CancelAfterReply>;
  
  CancelOrder: grpc.handleUnaryCall<_exchange_matching_v1_CancelOrderRequest__Output, _exchange_matching_v1_CancelReply>;
  
  Deposit: grpc.handleUnaryCall<_exchange_matching_v1_TransferRequest__Output, _exchange_matching_v1_TransferReply>;
  
  Fence: grpc.handleUnaryCall<_exchange_matching_v1_EpochRequest__Output, _exchange_matching_v1_HealthReply>;
  
  GetBalances: grpc.handleUnaryCall<_exchange_matching_v1_GetBalancesRequest__Output, _exchange_matching_v1_BalancesReply>;
  
  GetBook: grpc.handleUnaryCall<_exchange_matching_v1_GetBookRequest__Output, _exchange_matching_v1_BookReply>;
  
  GetOrder: grpc.handleUnaryCall<_exchange_matching_v1_GetOrderRequest__Output, _exchange_matching_v1_OpenOrder>;
  
  HaltSymbol: grpc.handleUnaryCall<_exchange_matching_v1_SymbolRequest__Output, _exchange_matching_v1_StatusReply>;
  
  Health: grpc.handleUnaryCall<_exchange_matching_v1_HealthRequest__Output, _exchange_matching_v1_HealthReply>;
  
  ListOpenOrders: grpc.handleUnaryCall<_exchange_matching_v1_ListOpenOrdersRequest__Output, _exchange_matching_v1_ListOpenOrdersReply>;
  
  PlaceOrder: grpc.handleUnaryCall<_exchange_matching_v1_PlaceOrderRequest__Output, _exchange_matching_v1_OrderReply>;
  
  Promote: grpc.handleUnaryCall<_exchange_matching_v1_EpochRequest__Output, _exchange_matching_v1_HealthReply>;
  
  ReplaceOrder: grpc.handleUnaryCall<_exchange_matching_v1_ReplaceOrderRequest__Output, _exchange_matching_v1_CancelReply>;
  
  /**
   * DR: a standby streams the primary's journal. The standby opens the call with where it stands
   * and then acknowledges what it made durable; the primary streams batches (or a snapshot first
   * when the standby is too far behind or diverged) and, with synchronous replication, acks its
   * own clients only once the standby has the command.
   */
  Replicate: grpc.handleBidiStreamingCall<_exchange_matching_v1_ReplicaAck__Output, _exchange_matching_v1_ReplicationBatch>;
  
  ResumeSymbol: grpc.handleUnaryCall<_exchange_matching_v1_SymbolRequest__Output, _exchange_matching_v1_StatusReply>;
  
  Withdraw: grpc.handleUnaryCall<_exchange_matching_v1_TransferRequest__Output, _exchange_matching_v1_TransferReply>;
  
}

export interface MatchingHostDefinition extends grpc.ServiceDefinition {
  CancelAll: MethodDefinition<_exchange_matching_v1_CancelAllRequest, _exchange_matching_v1_CancelReply, _exchange_matching_v1_CancelAllRequest__Output, _exchange_matching_v1_CancelReply__Output>
  CancelAllAfter: MethodDefinition<_exchange_matching_v1_CancelAfterRequest, _exchange_matching_v1_CancelAfterReply, _exchange_matching_v1_CancelAfterRequest__Output, _exchange_matching_v1_CancelAfterReply__Output>
  CancelOrder: MethodDefinition<_exchange_matching_v1_CancelOrderRequest, _exchange_matching_v1_CancelReply, _exchange_matching_v1_CancelOrderRequest__Output, _exchange_matching_v1_CancelReply__Output>
  Deposit: MethodDefinition<_exchange_matching_v1_TransferRequest, _exchange_matching_v1_TransferReply, _exchange_matching_v1_TransferRequest__Output, _exchange_matching_v1_TransferReply__Output>
  Fence: MethodDefinition<_exchange_matching_v1_EpochRequest, _exchange_matching_v1_HealthReply, _exchange_matching_v1_EpochRequest__Output, _exchange_matching_v1_HealthReply__Output>
  GetBalances: MethodDefinition<_exchange_matching_v1_GetBalancesRequest, _exchange_matching_v1_BalancesReply, _exchange_matching_v1_GetBalancesRequest__Output, _exchange_matching_v1_BalancesReply__Output>
  GetBook: MethodDefinition<_exchange_matching_v1_GetBookRequest, _exchange_matching_v1_BookReply, _exchange_matching_v1_GetBookRequest__Output, _exchange_matching_v1_BookReply__Output>
  GetOrder: MethodDefinition<_exchange_matching_v1_GetOrderRequest, _exchange_matching_v1_OpenOrder, _exchange_matching_v1_GetOrderRequest__Output, _exchange_matching_v1_OpenOrder__Output>
  HaltSymbol: MethodDefinition<_exchange_matching_v1_SymbolRequest, _exchange_matching_v1_StatusReply, _exchange_matching_v1_SymbolRequest__Output, _exchange_matching_v1_StatusReply__Output>
  Health: MethodDefinition<_exchange_matching_v1_HealthRequest, _exchange_matching_v1_HealthReply, _exchange_matching_v1_HealthRequest__Output, _exchange_matching_v1_HealthReply__Output>
  ListOpenOrders: MethodDefinition<_exchange_matching_v1_ListOpenOrdersRequest, _exchange_matching_v1_ListOpenOrdersReply, _exchange_matching_v1_ListOpenOrdersRequest__Output, _exchange_matching_v1_ListOpenOrdersReply__Output>
  PlaceOrder: MethodDefinition<_exchange_matching_v1_PlaceOrderRequest, _exchange_matching_v1_OrderReply, _exchange_matching_v1_PlaceOrderRequest__Output, _exchange_matching_v1_OrderReply__Output>
  Promote: MethodDefinition<_exchange_matching_v1_EpochRequest, _exchange_matching_v1_HealthReply, _exchange_matching_v1_EpochRequest__Output, _exchange_matching_v1_HealthReply__Output>
  ReplaceOrder: MethodDefinition<_exchange_matching_v1_ReplaceOrderRequest, _exchange_matching_v1_CancelReply, _exchange_matching_v1_ReplaceOrderRequest__Output, _exchange_matching_v1_CancelReply__Output>
  Replicate: MethodDefinition<_exchange_matching_v1_ReplicaAck, _exchange_matching_v1_ReplicationBatch, _exchange_matching_v1_ReplicaAck__Output, _exchange_matching_v1_ReplicationBatch__Output>
  ResumeSymbol: MethodDefinition<_exchange_matching_v1_SymbolRequest, _exchange_matching_v1_StatusReply, _exchange_matching_v1_SymbolRequest__Output, _exchange_matching_v1_StatusReply__Output>
  Withdraw: MethodDefinition<_exchange_matching_v1_TransferRequest, _exchange_matching_v1_TransferReply, _exchange_matching_v1_TransferRequest__Output, _exchange_matching_v1_TransferReply__Output>
}
