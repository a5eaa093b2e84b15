/* version.c - `relais version`. */
#include <jansson.h>
#include <libpq-fe.h>
#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "cli/cli.h"

int cmd_version(int argc, char **argv)
{
    if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        printf("Usage: relais version\n\nPrints the version of Relais and of the libraries it runs on.\n");
        return 0;
    }
    if (argc > 1) {
        fprintf(stderr, "relais: version takes no arguments\n");
        return 2;
    }
    printf("relais %s\n", RELAIS_VERSION);
    printf("libmicrohttpd %s, libpq %d, jansson %s, libsodium %s, zlib %s\n",
           MHD_get_version(), PQlibVersion(), jansson_version_str(), sodium_version_string(),
           zlibVersion());
    return 0;
}
