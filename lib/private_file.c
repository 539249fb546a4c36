#include "private_file.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

int private_open(const char *path, int flags)
{
	return open(path, flags | O_CREAT | O_CLOEXEC, PRIVATE_FILE_MODE);
}

int private_mkdir(const char *path)
{
	if (mkdir(path, PRIVATE_DIR_MODE) == 0 || errno == EEXIST)
		return 0;
	return -1;
}

void private_umask(void)
{
	umask(077);
}
