/* fl-ssh.h: one SSH connection (libssh2) that runs commands, its host key checked against
 * known_hosts; for the Proxmox VE node and for the Windows client's OpenSSH server
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FL_TYPE_SSH (fl_ssh_get_type ())

G_DECLARE_FINAL_TYPE (FlSsh, fl_ssh, FL, SSH, GObject)

FlSsh       *fl_ssh_new                  (const char  *host,
                                          guint        port,
                                          const char  *user,
                                          const char  *known_hosts);
FlSsh       *fl_ssh_new_like             (FlSsh       *other);
void         fl_ssh_set_key_file         (FlSsh       *self,
                                          const char  *path,
                                          const char  *passphrase);
void         fl_ssh_set_use_agent        (FlSsh       *self,
                                          gboolean     use_agent);
void         fl_ssh_set_timeout          (FlSsh       *self,
                                          guint        command_timeout_s);
guint        fl_ssh_get_timeout          (FlSsh       *self);
void         fl_ssh_set_host_key_dir     (FlSsh       *self,
                                          const char  *dir);
char        *fl_ssh_get_host_key_file    (FlSsh       *self);
const char  *fl_ssh_get_host             (FlSsh       *self);
const char  *fl_ssh_get_host_fingerprint (FlSsh       *self);
gboolean     fl_ssh_get_host_key_changed (FlSsh       *self);
gboolean     fl_ssh_get_host_key_unknown (FlSsh       *self);
gboolean     fl_ssh_accept_host_key      (FlSsh       *self,
                                          const char  *fingerprint,
                                          GError     **error);
gboolean     fl_ssh_run                  (FlSsh       *self,
                                          const char  *command,
                                          guint        timeout_s,
                                          GString     *out,
                                          GString     *err,
                                          int         *exit_status,
                                          GError     **error);

G_END_DECLS
