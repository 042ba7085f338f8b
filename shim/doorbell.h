/* The doorbell: a non-blocking pipe whose read end Node's own event loop
 * watches (net.Socket); one byte wakes the JS thread. */
#ifndef EVW_DOORBELL_H
#define EVW_DOORBELL_H

/* Writes one byte; async-signal-safe, never blocks. */
void doorbell_ring(int bell_fd);

#endif
