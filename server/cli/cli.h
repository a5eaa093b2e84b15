/* cli.h - the subcommands of the relais binary. */
#ifndef RELAIS_CLI_H
#define RELAIS_CLI_H

/* Each takes the arguments after the subcommand name and returns an exit status. */
int cmd_serve(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_version(int argc, char **argv);
int cmd_admin(int argc, char **argv);      /* cli/admin.c */
int cmd_sweep(int argc, char **argv);      /* document/sweep.c */
int cmd_reindex(int argc, char **argv);    /* search/reindex.c */

/* Loads defaults, RELAIS_* variables and flags; 0 ok, 1 help shown, -1 error. */
struct config;
int cli_load_config(struct config *c, int argc, char **argv, const char *usage);

#endif
