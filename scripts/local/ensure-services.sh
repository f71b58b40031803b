#!/usr/bin/env bash
# Start the machine's PostgreSQL, Redis and RabbitMQ when they are not answering (CI, `npm start`
# and fresh machines). Arguments name the services (default: all three). A service that is neither
# answering nor installed stops this with a line saying how to install it. Kinesis (kinesalite)
# and DynamoDB (dynalite) run inside the stack and the tests themselves.
set -euo pipefail

services=("$@")
[ ${#services[@]} -eq 0 ] && services=(postgres redis rabbitmq)

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  for _ in $(seq 1 120); do port_open "$1" && return 0; sleep 0.5; done
  echo "service on port $1 did not come up" >&2
  return 1
}

missing() {
  echo "$1 is not running on 127.0.0.1:$2 and is not installed here. Install it ($3), or point $4 at one." >&2
  exit 1
}

ensure_postgres() {
  port_open 5432 && return 0
  command -v pg_lsclusters >/dev/null || missing PostgreSQL 5432 "apt install postgresql / brew install postgresql" DATABASE_URL
  echo "starting postgresql"
  cluster=$(pg_lsclusters --no-header 2>/dev/null | awk 'NR==1 {print $1" "$2}')
  [ -n "$cluster" ] || missing "a PostgreSQL cluster" 5432 "pg_createcluster" DATABASE_URL
  # shellcheck disable=SC2086
  pg_ctlcluster $cluster start
  wait_port 5432
}

ensure_redis() {
  port_open 6379 && return 0
  command -v redis-server >/dev/null || missing Redis 6379 "apt install redis-server / brew install redis" REDIS_URL
  echo "starting redis-server"
  local dir="${TMPDIR:-/tmp}/exchange-redis"
  mkdir -p "$dir"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir "$dir" --logfile "$dir/redis.log"
  wait_port 6379
}

ensure_rabbitmq() {
  port_open 5672 && return 0
  command -v rabbitmq-server >/dev/null || missing RabbitMQ 5672 "apt install rabbitmq-server / brew install rabbitmq" AMQP_URL
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
}

for s in "${services[@]}"; do
  case "$s" in
    postgres) ensure_postgres ;;
    redis) ensure_redis ;;
    rabbitmq) ensure_rabbitmq ;;
    *) echo "unknown service $s" >&2; exit 2 ;;
  esac
done
