/* A plugin exercising the host: headers and bodies both ways, properties, local replies, callouts, metrics, ticks, traps. */
#include <stdio.h>
#include <ctype.h>
#include "proxy_wasm.h"

static char *config;
static uint32_t requests_metric, ticks_metric;
static int calls_in_flight;
static int extra_status = -1;

#ifdef PROXY_WASM_ABI_0_2_100
/* A Higress-only host call this host does not implement: it must answer Unimplemented (12), not trap. */
__attribute__((import_module("env"), import_name("proxy_redis_init"))) int proxy_redis_init(const char *a, size_t b, const char *c, size_t d, const char *e, size_t f, uint32_t g);
#endif

EXPORT(proxy_on_context_create) void on_context_create(uint32_t id, uint32_t parent) {}

EXPORT(proxy_on_vm_start) int on_vm_start(uint32_t root, size_t size) { return 1; }

EXPORT(proxy_on_configure) int on_configure(uint32_t root, size_t size) {
  config = plugin_config(size);
  if (strcmp(config, "refuse") == 0) { log_str(LOG_ERROR, "configuration refused"); return 0; }
  proxy_define_metric(0, "test_requests_total", strlen("test_requests_total"), &requests_metric);
  proxy_define_metric(0, "test_ticks_total", strlen("test_ticks_total"), &ticks_metric);
  if (strstr(config, "tick")) proxy_set_tick_period_milliseconds(20);
#ifdef PROXY_WASM_ABI_0_2_100
  extra_status = proxy_redis_init("c", 1, "u", 1, "p", 1, 1000);
#endif
  char line[256]; snprintf(line, sizeof line, "configured with '%s'", config); log_str(LOG_INFO, line);
  printf("stdout works\n"); fflush(stdout);
  return 1;
}

EXPORT(proxy_on_tick) void on_tick(uint32_t root) {
  proxy_increment_metric(ticks_metric, 1);
  char *v = NULL; size_t n = 0; uint32_t cas = 0; int count = 0;
  if (proxy_get_shared_data("ticks", 5, &v, &n, &cas) == 0 && n == 4) { memcpy(&count, v, 4); free(v); }
  count++;
  proxy_set_shared_data("ticks", 5, (const char *)&count, 4, cas);
}

static void add_property_header(const char *header, const char *path, size_t path_size) {
  size_t n = 0; char *v = get_property(path, path_size, &n);
  if (!v) { add_header(MAP_REQUEST, header, "<missing>"); return; }
  if (n == 8 && strcmp(header, "x-prop-port") == 0) { char num[32]; int64_t x; memcpy(&x, v, 8); snprintf(num, sizeof num, "%lld", (long long)x); add_header(MAP_REQUEST, header, num); }
  else add_header(MAP_REQUEST, header, v);
  free(v);
}

EXPORT(proxy_on_request_headers) int on_request_headers(uint32_t ctx, uint32_t headers, uint32_t eos) {
  proxy_increment_metric(requests_metric, 1);
  char *trap = get_header(MAP_REQUEST, "x-trap");
  if (trap) __builtin_trap();
  char *spin = get_header(MAP_REQUEST, "x-spin");
  if (spin) { volatile int x = 0; for (;;) x++; }
  if (get_header(MAP_REQUEST, "x-local-reply")) {
    const char *kv[] = {"x-wasm-local", "yes"}; size_t size; char *h = serialize_pairs(kv, 1, &size);
    proxy_send_local_response(418, "wasm_teapot", 11, "local reply from wasm", 21, h, size, -1);
    return 1;
  }
  add_header(MAP_REQUEST, "x-wasm-config", config);
  if (extra_status != -1) { char num[16]; snprintf(num, sizeof num, "%d", extra_status); add_header(MAP_REQUEST, "x-extra-status", num); }
  if (get_header(MAP_REQUEST, "x-shared")) {
    char *v = NULL; size_t n = 0; uint32_t cas = 0; int count = 0; char num[16];
    if (proxy_get_shared_data("ticks", 5, &v, &n, &cas) == 0 && n == 4) { memcpy(&count, v, 4); free(v); }
    snprintf(num, sizeof num, "%d", count); add_header(MAP_REQUEST, "x-shared-ticks", num);
  }
  char *path = get_header(MAP_REQUEST, ":path");
  if (path) { add_header(MAP_REQUEST, "x-wasm-saw-path", path); free(path); }
  proxy_remove_header_map_value(MAP_REQUEST, "x-remove-me", 11);
  if (get_header(MAP_REQUEST, "x-properties")) {
    add_property_header("x-prop-path", "request\0path", 12);
    add_property_header("x-prop-method", "request\0method", 14);
    add_property_header("x-prop-cluster", "xds\0cluster_name", 16);
    add_property_header("x-prop-cluster-old", "cluster_name", 12);
    add_property_header("x-prop-route", "xds\0route_name", 14);
    add_property_header("x-prop-plugin", "plugin_name", 11);
    add_property_header("x-prop-root", "plugin_root_id", 14);
    add_property_header("x-prop-source", "source\0address", 14);
    add_property_header("x-prop-port", "destination\0port", 16);
    uint32_t t; int grpc = proxy_grpc_call("c", 1, "s", 1, "m", 1, "", 0, "", 0, 1000, &t);
    char num[16]; snprintf(num, sizeof num, "%d", grpc); add_header(MAP_REQUEST, "x-grpc-status", num);
  }
  char *callout = get_header(MAP_REQUEST, "x-callout");
  if (callout) {
    char *cpath = get_header(MAP_REQUEST, "x-callout-path");
    char *timeout = get_header(MAP_REQUEST, "x-callout-timeout");
    const char *kv[] = {":method", "POST", ":path", cpath ? cpath : "/echo/post", ":authority", "callout.local", "x-from", "wasm"};
    int n = get_header(MAP_REQUEST, "x-callout-no-path") ? 0 : 4;
    const char *nopath[] = {":method", "POST", ":authority", "callout.local"};
    size_t size; char *h = n ? serialize_pairs(kv, 4, &size) : serialize_pairs(nopath, 2, &size);
    uint32_t token;
    int rc = proxy_http_call(callout, strlen(callout), h, size, "ping", 4, NULL, 0, timeout ? (uint32_t)atoi(timeout) : 5000, &token);
    if (rc != 0) { char num[16]; snprintf(num, sizeof num, "%d", rc); add_header(MAP_REQUEST, "x-callout-error", num); return 0; }
    calls_in_flight++;
    return 1;
  }
  /* A body follows: hold the headers until the body callback has rewritten it (the host then sends its real length). */
  return eos ? 0 : 1;
}

EXPORT(proxy_on_http_call_response) void on_http_call_response(uint32_t ctx, uint32_t token, uint32_t headers, size_t body_size, uint32_t trailers) {
  calls_in_flight--;
  char *status = get_header(MAP_CALL_RESPONSE, ":status");
  add_header(MAP_REQUEST, "x-callout-status", status ? status : "none");
  char *body = NULL; size_t n = 0;
  if (body_size && proxy_get_buffer_bytes(BUF_CALL_RESPONSE, 0, body_size, &body, &n) == 0) {
    char *s = malloc(n + 1); memcpy(s, body, n); s[n] = 0;
    for (char *c = s; *c; c++) if (*c == '\n' || *c == '\r') *c = ' ';
    add_header(MAP_REQUEST, "x-callout-body", s);
  }
  if (status && strcmp(status, "403") == 0) {
    proxy_send_local_response(403, "wasm_denied", 11, "denied by callout", 17, NULL, 0, -1);
    return;
  }
  proxy_continue_stream(0);
}

EXPORT(proxy_on_request_body) int on_request_body(uint32_t ctx, size_t size, uint32_t eos) {
  if (!eos) return 1;
  char *body = NULL; size_t n = 0;
  if (size && proxy_get_buffer_bytes(BUF_REQUEST_BODY, 0, size, &body, &n) == 0) {
    for (size_t i = 0; i < n; i++) body[i] = toupper((unsigned char)body[i]);
    proxy_set_buffer_bytes(BUF_REQUEST_BODY, 0, size, body, n);
    proxy_set_buffer_bytes(BUF_REQUEST_BODY, n, 0, "+wasm", 5);
  }
  return 0;
}

EXPORT(proxy_on_response_headers) int on_response_headers(uint32_t ctx, uint32_t headers, uint32_t eos) {
  add_header(MAP_RESPONSE, "x-wasm-response", "1");
  proxy_remove_header_map_value(MAP_RESPONSE, "content-length", 14);
  return 0;
}

EXPORT(proxy_on_response_body) int on_response_body(uint32_t ctx, size_t size, uint32_t eos) {
  if (!eos) return 1;
  proxy_set_buffer_bytes(BUF_RESPONSE_BODY, size, 0, "[wasm]", 6);
  return 0;
}

EXPORT(proxy_on_done) int on_done(uint32_t ctx) { return 1; }
EXPORT(proxy_on_delete) void on_delete(uint32_t ctx) {}
