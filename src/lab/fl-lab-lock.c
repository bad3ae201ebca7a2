/* fl-lab-lock.c: one lock per lab across the processes of a workstation, for VM actions
 *
 * The interlocks look at the lab, then act: two processes that look at the same moment (two
 * `failoverctl vm … stop` on the two DCs, or the window and a terminal) would each see the
 * other DC answering, and both go ahead into a total outage. A destructive action is decided
 * and carried out under this lock (flock on a file in $XDG_RUNTIME_DIR, keyed by the lab's
 * domain and name), so the second one decides after the first has done its work.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sys/file.h>
#include <unistd.h>

#include "fl-lab-lock.h"

struct _FlLabLock
{
  int   fd;
  char *path;
};

/**
 * fl_lab_lock_acquire:
 * @timeout_s: how long to wait for another process's action to end
 *
 * Blocks (a worker thread's business in a GUI) until the lab's lock is this process's.
 *
 * Returns: (transfer full): the lock, or %NULL with @error (G_IO_ERROR_TIMED_OUT: another
 *   action held it all along)
 */
FlLabLock *
fl_lab_lock_acquire (FlLab   *lab,
                     guint    timeout_s,
                     GError **error)
{
  g_autofree char *key = g_strdup_printf ("%s\n%s", fl_lab_get_domain (lab), fl_lab_get_name (lab));
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
  g_autofree char *dir = g_build_filename (g_get_user_runtime_dir (), "failover-lab", NULL);
  g_autofree char *name = g_strdup_printf ("lab-%.16s.lock", hash);
  gint64 deadline = g_get_monotonic_time () + (gint64)timeout_s * G_USEC_PER_SEC;
  FlLabLock *lock;
  int fd;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), "%s: %s", dir, g_strerror (errsv));
      return NULL;
    }
  lock = g_new0 (FlLabLock, 1);
  lock->fd = -1;
  lock->path = g_build_filename (dir, name, NULL);
  fd = g_open (lock->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), "%s: %s", lock->path, g_strerror (errsv));
      fl_lab_lock_release (lock);
      return NULL;
    }
  lock->fd = fd;
  while (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      if (errno != EWOULDBLOCK && errno != EINTR)
        {
          int errsv = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), "%s: %s", lock->path, g_strerror (errsv));
          fl_lab_lock_release (lock);
          return NULL;
        }
      if (g_get_monotonic_time () > deadline)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       _("another VM action on lab “%s” is still running after %u s"), fl_lab_get_name (lab),
                       timeout_s);
          fl_lab_lock_release (lock);
          return NULL;
        }
      g_usleep (50 * 1000);
    }
  return lock;
}

void
fl_lab_lock_release (FlLabLock *lock)
{
  if (lock == NULL)
    return;
  if (lock->fd >= 0)
    close (lock->fd);   /* drops the flock */
  g_free (lock->path);
  g_free (lock);
}
