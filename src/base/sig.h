/*
 * sig.h - a signal made default by the kernel itself.
 */
#ifndef MYDAEMON_SIG_H
#define MYDAEMON_SIG_H

/*
 * Make sig's disposition default with the kernel's rt_sigaction, not
 * glibc's sigaction(), which refuses the two real-time signals it keeps
 * for itself (32 and 33): a parent may have left those ignored, and an
 * ignored signal survives exec.  Only a system call: fit for a vfork()
 * child.  Returns 0, or -1 (SIGKILL, SIGSTOP, a number past the
 * kernel's).
 */
int	sig_default(int sig);

#endif
