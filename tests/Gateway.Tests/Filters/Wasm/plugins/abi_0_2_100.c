/* The test plugin declaring Higress's ABI marker (proxy_abi_version_0_2_100) and calling a Higress-only host function. */
#define PROXY_WASM_ABI_0_2_100
#include "test_plugin.c"
