/* Higress's http-call example in C: before the request goes upstream, POST to a cluster named by wasm-go's
 * rules, add the response body as X-External-Response, resume. Logs as wasm-go writes them. Config (flat
 * JSON): service_name (StaticIpCluster) or fqdn (FQDNCluster), port, host, path, body, timeout_ms. */
#include <stdio.h>
#include <stdint.h>
#include "proxy_wasm.h"

__attribute__((import_module("wasi_snapshot_preview1"), import_name("random_get"))) int wasi_random_get(uint8_t *buf, size_t len);

static char cluster[512], authority[256], path[512], body[1024];
static long timeout_ms = 5000;
static char plugin_name[128], plugin_id[128];

static void copy_or(char *dst, size_t cap, char *value, const char *fallback) { snprintf(dst, cap, "%s", value ? value : fallback); free(value); }

EXPORT(proxy_on_context_create) void on_context_create(uint32_t id, uint32_t parent) {}
EXPORT(proxy_on_vm_start) int on_vm_start(uint32_t root, size_t size) { return 1; }

EXPORT(proxy_on_configure) int on_configure(uint32_t root, size_t size) {
  char *json = plugin_config(size);
  char *fqdn = json_get(json, "fqdn"), *service = json_get(json, "service_name"), *port = json_get(json, "port"), *host = json_get(json, "host");
  if (fqdn) { snprintf(cluster, sizeof cluster, "outbound|%s||%s", port ? port : "80", fqdn); snprintf(authority, sizeof authority, "%s", host ? host : fqdn); }
  else if (service) { snprintf(cluster, sizeof cluster, "outbound|%s||%s.static", port ? port : "80", service); snprintf(authority, sizeof authority, "%s", host ? host : service); }
  else { snprintf(cluster, sizeof cluster, "outbound|8000||172.22.220.21.static"); snprintf(authority, sizeof authority, "172.22.220.21"); }
  copy_or(path, sizeof path, json_get(json, "path"), "/echo/post");
  copy_or(body, sizeof body, json_get(json, "body"), "{\"message\": \"hello\"}");
  char *t = json_get(json, "timeout_ms"); if (t) { timeout_ms = atol(t); free(t); }
  size_t n;
  char *v = get_property("plugin_name", 11, &n); snprintf(plugin_name, sizeof plugin_name, "%s", v ? v : ""); free(v);
  v = get_property("plugin_root_id", 14, &n); snprintf(plugin_id, sizeof plugin_id, "%s", v ? v : ""); free(v);
  return 1;
}

static void logf_(int level, const char *request_id, const char *fmt, const char *a, const char *b, const char *c, const char *d, const char *e, const char *f, long g) {
  char msg[8192], line[9000];
  snprintf(msg, sizeof msg, fmt, a, b, c, d, e, f, g);
  snprintf(line, sizeof line, "[%s] [%s] [%s] %s", plugin_name, plugin_id, request_id, msg);
  log_str(level, line);
}

/* Go's strconv.Quote for header text. */
static void quote(char *out, const char *s) {
  *out++ = '"';
  for (; *s; s++) { if (*s == '"' || *s == '\\') { *out++ = '\\'; *out++ = *s; } else if (*s == '\n') { *out++ = '\\'; *out++ = 'n'; } else *out++ = *s; }
  *out++ = '"'; *out = 0;
}

static char *escape_newlines(const char *s, size_t n) {
  char *out = malloc(2 * n + 1), *o = out;
  for (size_t i = 0; i < n; i++) { if (s[i] == '\n') { *o++ = '\\'; *o++ = 'n'; } else *o++ = s[i]; }
  *o = 0; return out;
}

typedef struct { char request_id[128]; char call_id[40]; int log_info; } stream_state;
static stream_state states[64];
static stream_state *state_of(uint32_t ctx) { return &states[ctx % 64]; }

EXPORT(proxy_on_request_headers) int on_request_headers(uint32_t ctx, uint32_t headers, uint32_t eos) {
  stream_state *st = state_of(ctx);
  size_t n; char *rid = get_property("x_request_id", 12, &n);
  snprintf(st->request_id, sizeof st->request_id, "%s", rid ? rid : "nil"); free(rid);
  /* Like wasm-go, format and log only what the host will write. */
  uint32_t level = 2; proxy_get_log_level(&level); st->log_info = level <= LOG_INFO;
  const char *kv[] = {":method", "POST", ":path", path, ":authority", authority};
  size_t size; char *h = serialize_pairs(kv, 3, &size);
  uint32_t token;
  int rc = proxy_http_call(cluster, strlen(cluster), h, size, body, strlen(body), NULL, 0, (uint32_t)timeout_ms, &token);
  free(h);
  if (rc != 0) {
    logf_(LOG_ERROR, st->request_id, "HTTP call failed: error status returned by host: %s", rc == 2 ? "bad argument" : "internal failure", "", "", "", "", "", 0);
    return 0;
  }
  if (!st->log_info) return 4;
  uint8_t r[16]; wasi_random_get(r, 16); r[6] = (r[6] & 0x0f) | 0x40; r[8] = (r[8] & 0x3f) | 0x80;
  snprintf(st->call_id, sizeof st->call_id, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
           r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14], r[15]);
  char qm[64], qp[1100], qa[600], hdrs[2000];
  quote(qm, "POST"); quote(qp, path); quote(qa, authority);
  snprintf(hdrs, sizeof hdrs, "[][2]string{[2]string{\":method\", %s}, [2]string{\":path\", %s}, [2]string{\":authority\", %s}}", qm, qp, qa);
  char *body_log = escape_newlines(body, strlen(body));
  logf_(LOG_INFO, st->request_id, "http call start, id: %s, cluster: %s, method: %s, url: %s, headers: %s, body: %s, timeout: %ld",
        st->call_id, cluster, "POST", path, hdrs, body_log, timeout_ms);
  free(body_log);
  return 4; /* HeaderStopAllIterationAndWatermark, as wasm-go returns */
}

EXPORT(proxy_on_http_call_response) void on_http_call_response(uint32_t ctx, uint32_t token, uint32_t headers, size_t body_size, uint32_t trailers) {
  stream_state *st = state_of(ctx);
  char *status = get_header(MAP_CALL_RESPONSE, ":status");
  char *data = NULL; size_t n = 0;
  if (body_size) proxy_get_buffer_bytes(BUF_CALL_RESPONSE, 0, body_size, &data, &n);
  char *logged = st->log_info ? escape_newlines(data ? data : "", n) : NULL;
  const char *code = status ? status : "502";
  if (st->log_info) {
    logf_(LOG_INFO, st->request_id, "http call end, id: %s, code: %s, normal: %s, body: %s", st->call_id, code, status ? "true" : "false", logged, "", "", 0);
    logf_(LOG_INFO, st->request_id, "HTTP call response: status=%s, body=%s", code, logged, "", "", "", "", 0);
  }
  /* The header value: control characters folded to spaces, capped at 8192 bytes. */
  size_t cap = n > 8192 ? 8192 : n;
  char *value = malloc(cap + 1);
  for (size_t i = 0; i < cap; i++) value[i] = ((unsigned char)data[i] < 0x20 && data[i] != '\t') || data[i] == 0x7f ? ' ' : data[i];
  value[cap] = 0;
  if (cap) add_header(MAP_REQUEST, "X-External-Response", value);
  free(value); free(logged); free(data); free(status);
  proxy_continue_stream(0);
}
