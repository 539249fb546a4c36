/* Files that hold records or state (rejects, failures, outputs, dedup state,
 * watermarks, the warehouse) are the pipeline user's alone: files 0600,
 * directories 0700, whatever the umask (a umask can only take bits away). */
#ifndef VP_PRIVATE_FILE_H
#define VP_PRIVATE_FILE_H

#define PRIVATE_FILE_MODE 0600
#define PRIVATE_DIR_MODE 0700

/* open(path, flags | O_CREAT | O_CLOEXEC) with mode 0600. */
int private_open(const char *path, int flags);
/* mkdir(path) with mode 0700; 0 when made or already there (errno otherwise). */
int private_mkdir(const char *path);
/* For files a library creates by itself (DuckDB's database and WAL): the
 * process's umask becomes 077. */
void private_umask(void);

#endif
