/* null-relay.c - the relay of the benchmarks: reads the whole message from
 * standard input and discards it, like a relay that accepted it; exits 0.
 *
 * matchguard runs its relay as RELAY-ARGV... followed by the mail client's
 * own arguments (-oi -- RECIPIENT...), which cat(1) would take for options
 * or file names, so the benchmarks use this instead: the cheapest process
 * that does what any relay must, one exec and a read to end of file, so
 * that what is measured is matchguard's own work around it.
 *
 * Not installed and not part of "make check": built by "make bench".
 */
#include <errno.h>
#include <unistd.h>

int
main (void)
{
  char buffer[65536];
  ssize_t n;

  do
    n = read (STDIN_FILENO, buffer, sizeof buffer);
  while (n > 0 || (n < 0 && errno == EINTR));
  return n < 0 ? 74 : 0;  /* EX_IOERR on a read error */
}
