/*
 * listen-local.h - for the azure unit tests (POSIX only): a TCP socket
 * listening on a free port of 127.0.0.1, for test servers that answer,
 * stay silent or drop connections.
 */
#ifndef AMLHOSTS_TEST_LISTEN_LOCAL_H
#define AMLHOSTS_TEST_LISTEN_LOCAL_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "unit/cunit_main.h"

/* The listening socket; its port in *port. Fails the test if it cannot. */
static inline int
listen_local(int backlog, int *port)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof sa;
	int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	CU_ASSERT_FATAL(ls >= 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CU_ASSERT_FATAL(bind(ls, (struct sockaddr *)&sa, sizeof sa) == 0);
	CU_ASSERT_FATAL(listen(ls, backlog) == 0);
	CU_ASSERT_FATAL(getsockname(ls, (struct sockaddr *)&sa, &sl) == 0);
	*port = ntohs(sa.sin_port);
	return ls;
}

#endif
