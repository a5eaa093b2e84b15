/* common.c - configuration loading shared by the subcommands. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "config/config.h"
#include "util/log.h"

int cli_load_config(config *c, int argc, char **argv, const char *usage)
{
    config_defaults(c);
    if (config_from_env(c) != 0)
        return -1;
    int rc = config_from_args(c, argc, argv, 1, stdout, usage);
    if (rc != 0)
        return rc;
    if (config_validate(c) != 0)
        return -1;
    /* "https://relais.example.fr/" and "https://relais.example.fr" are one origin. */
    size_t n = strlen(c->public_origin);
    while (n > 0 && c->public_origin[n - 1] == '/')
        c->public_origin[--n] = '\0';
    enum log_level lv = LOG_INFO;
    switch (c->log_level[0]) {
    case 'd': lv = LOG_DEBUG; break;
    case 'w': lv = LOG_WARN; break;
    case 'e': lv = LOG_ERROR; break;
    }
    log_set_level(lv);
    return 0;
}
