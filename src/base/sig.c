/*
 * sig.c - a signal made default by the kernel itself (see sig.h).
 */
#include <sys/syscall.h>

#include <signal.h>
#include <unistd.h>

#include "base/sig.h"

int
sig_default(int sig)
{
	/* The kernel's struct sigaction (x86_64, arm64, and most others). */
	struct {
		void		(*handler)(int);
		unsigned long	 flags;
		void		(*restorer)(void);
		unsigned long	 mask;
	} ksa = { SIG_DFL, 0, NULL, 0 };

	return syscall(SYS_rt_sigaction, sig, &ksa, NULL,
	    sizeof(ksa.mask)) == 0 ? 0 : -1;
}
