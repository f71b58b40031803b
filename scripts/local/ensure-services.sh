#!/usr/bin/env bash
# Start the machine's PostgreSQL, Redis and RabbitMQ when they are not answering (CI and fresh
# machines). Kinesis (kinesalite) and DynamoDB (dynalite) are started by the tests themselves.
set -euo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  for _ in $(seq 1 120); do port_open "$1" && return 0; sleep 0.5; done
  echo "service on port $1 did not come up" >&2
  return 1
}

if ! port_open 5432; then
  echo "starting postgresql"
  cluster=$(pg_lsclusters --no-header 2>/dev/null | awk 'NR==1 {print $1" "$2}')
  if [ -n "$cluster" ]; then
    # shellcheck disable=SC2086
    pg_ctlcluster $cluster start
  else
    echo "no PostgreSQL cluster on this machine" >&2
    exit 1
  fi
  wait_port 5432
fi

if ! port_open 6379; then
  echo "starting redis-server"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_port 6379
fi

if ! port_open 5672; then
  if timeout 15 rabbitmqctl ping >/dev/null 2>&1; then
    # the Erlang node runs but its app was left stopped (e.g. an interrupted broker-restart test)
    echo "starting the rabbitmq app"
    timeout 60 rabbitmqctl start_app >/dev/null
  else
    echo "starting rabbitmq-server"
    rabbitmq-server -detached
  fi
  timeout 120 rabbitmqctl await_startup >/dev/null
  wait_port 5672
fi
