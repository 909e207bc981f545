/*
 * statedir.c - the names of the files in the state directory.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "state/atomicfile.h"
#include "state/statedir.h"
#include "base/util.h"

#define BACKUPS "backups"

char *
statedir_lock_path(const char *dir)
{
	return xasprintf("%s/lock", dir);
}

char *
statedir_journal_path(const char *dir)
{
	return xasprintf("%s/journal", dir);
}

char *
statedir_backups_dir(const char *dir)
{
	return xasprintf("%s/" BACKUPS, dir);
}

char *
statedir_backup_path(const char *dir, long id)
{
	return xasprintf("%s/" BACKUPS "/%ld" STATEDIR_BACKUP_SUFFIX, dir, id);
}

long
statedir_backup_id(const char *name)
{
	char *end;
	long id;

	errno = 0;
	id = strtol(name, &end, 10);
	if (errno != 0 || id <= 0 || strcmp(end, STATEDIR_BACKUP_SUFFIX) != 0)
		return 0;
	return id;
}

int
statedir_is_backup_temp(const char *name)
{
	/* ".<id>.hosts.amlhosts-XXXXXX": a dot, at least one character of
	 * id, then the suffix, the tag and mkostemp's six characters. */
	static const char tail[] = STATEDIR_BACKUP_SUFFIX ATOMICFILE_TEMP_TAG;
	size_t len = strlen(name), tlen = sizeof tail - 1;

	return name[0] == '.' && len >= 1 + 1 + tlen + 6 &&
	    strncmp(name + len - tlen - 6, tail, tlen) == 0;
}
