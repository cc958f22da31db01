#!/bin/sh
# One-shot set-up run by the `temporal-setup` compose service
# (temporalio/admin-tools image): waits for the Temporal frontend and for the
# namespace, sets its retention to RETENTION_DAYS, then registers hookline's
# custom search attributes.
# Idempotent: an attribute that already exists counts as success.
set -u

ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
ATTRIBUTES="${SEARCH_ATTRIBUTES:-WebhookId EventType DeliveryStatus}"
ATTRIBUTE_TYPE="Keyword"
WAIT_SECONDS="${WAIT_SECONDS:-300}"
RETENTION_DAYS="${RETENTION_DAYS:-30}"

log() { echo "[temporal-setup] $*"; }

deadline=$(( $(date +%s) + WAIT_SECONDS ))
wait_until() {
  what="$1"; shift
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      log "timed out after ${WAIT_SECONDS}s waiting for ${what}"
      exit 1
    fi
    sleep 2
  done
  log "${what}: ok"
}

server_serving() {
  temporal operator cluster health --address "$ADDRESS" 2>/dev/null | grep -q SERVING
}

log "waiting for Temporal at ${ADDRESS}"
wait_until "cluster health" server_serving
# auto-setup creates the default namespace in the background once the server is up.
wait_until "namespace ${NAMESPACE}" \
  temporal operator namespace describe --address "$ADDRESS" --namespace "$NAMESPACE"

# Temporal keeps closed workflows as long as hookline keeps its deliveries, also after a change.
if temporal operator namespace update --address "$ADDRESS" --namespace "$NAMESPACE" \
    --retention "$((RETENTION_DAYS * 24))h" >/dev/null 2>&1; then
  log "namespace ${NAMESPACE} retention: ${RETENTION_DAYS} days"
else
  log "could not set the retention of namespace ${NAMESPACE}"
  exit 1
fi

has_attribute() {
  temporal operator search-attribute list --address "$ADDRESS" --namespace "$NAMESPACE" 2>/dev/null \
    | grep -Eq "(^|[^A-Za-z0-9_])$1([^A-Za-z0-9_]|\$)"
}

for name in $ATTRIBUTES; do
  attempt=1
  while :; do
    if has_attribute "$name"; then
      log "search attribute ${name} present"
      break
    fi
    if out=$(temporal operator search-attribute create --address "$ADDRESS" --namespace "$NAMESPACE" \
          --name "$name" --type "$ATTRIBUTE_TYPE" 2>&1); then
      log "created search attribute ${name} (${ATTRIBUTE_TYPE})"
      # The list is checked again on the next pass, so a silent no-op is caught.
    elif echo "$out" | grep -qi "already exists"; then
      log "search attribute ${name} already exists"
      break
    else
      log "attempt ${attempt} to create ${name} failed: ${out}"
    fi
    attempt=$((attempt + 1))
    if [ "$attempt" -gt 30 ]; then
      log "giving up on search attribute ${name}"
      exit 1
    fi
    sleep 2
  done
done

log "done"
