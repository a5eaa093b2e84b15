/* main.c - the relais binary: picks the subcommand and runs it. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"serve", cmd_serve, "serve the API and the web app over HTTP"},
    {"migrate", cmd_migrate, "apply pending database migrations"},
    {"version", cmd_version, "print version information"},
    {"admin", cmd_admin, "accounts, demo data and the audit trail (see relais admin --help)"},
    {"sweep", cmd_sweep, "empty old trashes, delete unreferenced blobs and stale uploads"},
    {"reindex", cmd_reindex, "rebuild the full-text search index from the database"},
};

static void usage(FILE *out)
{
    fprintf(out, "Usage: relais COMMAND [options]\n\nCommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nRun 'relais COMMAND --help' for a command's options.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (sodium_init() < 0) {
        fprintf(stderr, "relais: libsodium failed to initialise\n");
        return 1;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "relais: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
