/* Process-wide dispositions of the signals signal loops use: installed by
 * the first started loop, restored (as found) by the last one to stop.
 * Refcounted per signal; SIGIO is taken along with every loop's signal. */
#ifndef EVW_SIGINSTALL_H
#define EVW_SIGINSTALL_H

enum sig_disposition { SIG_DISPOSITION_DEFAULT, SIG_DISPOSITION_OURS, SIG_DISPOSITION_FOREIGN };

/* What is installed for signo now (SIG_IGN counts as foreign). */
enum sig_disposition siginstall_disposition(int signo);

/* Installs the handler for signo and SIGIO: -EBUSY if signo has a foreign
 * disposition (SIGIO's is saved and replaced whatever it is). */
int siginstall_acquire(int signo);

/* Drops one reference to signo and to SIGIO; the last restores them. */
void siginstall_release(int signo);

#endif
