/* log.h - structured log lines (one JSON object per line) on stderr. */
#ifndef RELAIS_LOG_H
#define RELAIS_LOG_H

#include <stddef.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Messages below level are dropped. Call before starting threads. */
void log_set_level(enum log_level level);

/* One line {"ts":…,"level":…,"msg":…}; thread-safe, one write(2) per line. */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

/* Write a complete, already formatted line (newline included) in one write(2). */
void log_write(const char *line, size_t len);

/* ISO 8601 UTC time with milliseconds into out (at least 32 bytes). */
void log_timestamp(char *out, size_t size);

#endif
