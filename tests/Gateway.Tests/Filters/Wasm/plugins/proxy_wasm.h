/* The raw proxy-wasm ABI 0.2.1 as the test plugins use it: host imports, the ABI marker, and small helpers. */
#ifndef PROXY_WASM_H
#define PROXY_WASM_H
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define IMPORT(name) __attribute__((import_module("env"), import_name(#name)))
#define EXPORT(name) __attribute__((export_name(#name)))

IMPORT(proxy_log) int proxy_log(int level, const char *msg, size_t size);
IMPORT(proxy_get_log_level) int proxy_get_log_level(uint32_t *level);
IMPORT(proxy_get_buffer_bytes) int proxy_get_buffer_bytes(int type, size_t start, size_t max, char **ptr, size_t *size);
IMPORT(proxy_set_buffer_bytes) int proxy_set_buffer_bytes(int type, size_t start, size_t length, const char *data, size_t size);
IMPORT(proxy_get_header_map_value) int proxy_get_header_map_value(int type, const char *key, size_t key_size, char **value, size_t *value_size);
IMPORT(proxy_add_header_map_value) int proxy_add_header_map_value(int type, const char *key, size_t key_size, const char *value, size_t value_size);
IMPORT(proxy_replace_header_map_value) int proxy_replace_header_map_value(int type, const char *key, size_t key_size, const char *value, size_t value_size);
IMPORT(proxy_remove_header_map_value) int proxy_remove_header_map_value(int type, const char *key, size_t key_size);
IMPORT(proxy_get_header_map_pairs) int proxy_get_header_map_pairs(int type, char **ptr, size_t *size);
IMPORT(proxy_get_property) int proxy_get_property(const char *path, size_t path_size, char **value, size_t *value_size);
IMPORT(proxy_set_property) int proxy_set_property(const char *path, size_t path_size, const char *value, size_t value_size);
IMPORT(proxy_send_local_response) int proxy_send_local_response(int status, const char *details, size_t details_size, const char *body, size_t body_size, const char *headers, size_t headers_size, int grpc_status);
IMPORT(proxy_continue_stream) int proxy_continue_stream(int stream);
IMPORT(proxy_http_call) int proxy_http_call(const char *cluster, size_t cluster_size, const char *headers, size_t headers_size, const char *body, size_t body_size, const char *trailers, size_t trailers_size, uint32_t timeout, uint32_t *token);
IMPORT(proxy_set_tick_period_milliseconds) int proxy_set_tick_period_milliseconds(uint32_t period);
IMPORT(proxy_define_metric) int proxy_define_metric(int type, const char *name, size_t name_size, uint32_t *id);
IMPORT(proxy_increment_metric) int proxy_increment_metric(uint32_t id, int64_t offset);
IMPORT(proxy_get_shared_data) int proxy_get_shared_data(const char *key, size_t key_size, char **value, size_t *value_size, uint32_t *cas);
IMPORT(proxy_set_shared_data) int proxy_set_shared_data(const char *key, size_t key_size, const char *value, size_t value_size, uint32_t cas);
IMPORT(proxy_grpc_call) int proxy_grpc_call(const char *a, size_t b, const char *c, size_t d, const char *e, size_t f, const char *g, size_t h, const char *i, size_t j, uint32_t k, uint32_t *l);

#ifdef PROXY_WASM_ABI_0_2_100
EXPORT(proxy_abi_version_0_2_100) void proxy_abi_version_0_2_100(void) {}
#else
EXPORT(proxy_abi_version_0_2_1) void proxy_abi_version_0_2_1(void) {}
#endif
EXPORT(proxy_on_memory_allocate) void *proxy_on_memory_allocate(size_t size) { return malloc(size); }

enum { MAP_REQUEST = 0, MAP_RESPONSE = 2, MAP_CALL_RESPONSE = 6 };
enum { BUF_REQUEST_BODY = 0, BUF_RESPONSE_BODY = 1, BUF_CALL_RESPONSE = 4, BUF_PLUGIN_CONFIG = 7 };
enum { LOG_INFO = 2, LOG_WARN = 3, LOG_ERROR = 4 };

static void log_str(int level, const char *s) { proxy_log(level, s, strlen(s)); }

/* A header value as a NUL-terminated malloc'd string, or NULL. */
static char *get_header(int map, const char *name) {
  char *v = NULL; size_t n = 0;
  if (proxy_get_header_map_value(map, name, strlen(name), &v, &n) != 0) return NULL;
  char *s = malloc(n + 1); if (n) memcpy(s, v, n); s[n] = 0; free(v); return s;
}
static void add_header(int map, const char *name, const char *value) { proxy_add_header_map_value(map, name, strlen(name), value, strlen(value)); }

/* A property (path segments separated by NUL, given with explicit length) as a string, or NULL. */
static char *get_property(const char *path, size_t path_size, size_t *size_out) {
  char *v = NULL; size_t n = 0;
  if (proxy_get_property(path, path_size, &v, &n) != 0) return NULL;
  char *s = malloc(n + 1); if (n) memcpy(s, v, n); s[n] = 0; free(v); if (size_out) *size_out = n; return s;
}

/* Serializes n (name, value) pairs into proxy-wasm's header map format. */
static char *serialize_pairs(const char **kv, int n, size_t *size_out) {
  size_t size = 4 + 8 * n;
  for (int i = 0; i < 2 * n; i++) size += strlen(kv[i]) + 1;
  char *buf = malloc(size); uint32_t *lens = (uint32_t *)buf; lens[0] = n;
  char *p = buf + 4 + 8 * n;
  for (int i = 0; i < n; i++) {
    size_t k = strlen(kv[2 * i]), v = strlen(kv[2 * i + 1]);
    memcpy(buf + 4 + 8 * i, &(uint32_t){k}, 4); memcpy(buf + 8 + 8 * i, &(uint32_t){v}, 4);
    memcpy(p, kv[2 * i], k + 1); p += k + 1; memcpy(p, kv[2 * i + 1], v + 1); p += v + 1;
  }
  *size_out = size; return buf;
}

/* The plugin configuration as a NUL-terminated string. */
static char *plugin_config(size_t size) {
  char *v = NULL; size_t n = 0; char *s = malloc(size + 1);
  if (size && proxy_get_buffer_bytes(BUF_PLUGIN_CONFIG, 0, size, &v, &n) == 0) { memcpy(s, v, n); s[n] = 0; free(v); } else s[0] = 0;
  return s;
}

/* A string or integer value of "key" in flat JSON (no nesting, no escapes beyond \"), or NULL. */
static char *json_get(const char *json, const char *key) {
  char pat[128]; snprintf(pat, sizeof pat, "\"%s\"", key);
  const char *p = strstr(json, pat); if (!p) return NULL;
  p += strlen(pat); while (*p == ' ' || *p == ':' || *p == '\t' || *p == '\n') p++;
  const char *end; char *out;
  if (*p == '"') {
    p++; out = malloc(strlen(p) + 1); char *o = out;
    while (*p && *p != '"') { if (*p == '\\' && p[1]) { p++; *o++ = *p == 'n' ? '\n' : *p; p++; } else *o++ = *p++; }
    *o = 0; return out;
  }
  end = p; while (*end && *end != ',' && *end != '}' && *end != ' ' && *end != '\n') end++;
  out = malloc(end - p + 1); memcpy(out, p, end - p); out[end - p] = 0; return out;
}
#endif
