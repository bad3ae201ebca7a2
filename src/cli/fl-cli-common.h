/* fl-cli-common.h: what every failoverctl command shares
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "fl-hypervisor.h"
#include "fl-lab.h"
#include "fl-probe-config.h"

G_BEGIN_DECLS

/* exit codes */
#define FL_EXIT_OK        0  /* everything answered as it should */
#define FL_EXIT_PROBLEM   1  /* a check failed, timed out or is degraded */
#define FL_EXIT_USAGE     2  /* bad arguments, unreadable lab file, missing credentials */
#define FL_EXIT_NO_DC     3  /* the locator found no domain controller */

typedef struct
{
  char  *lab_file;
  char  *domain;
  char **dcs;
  char  *user;
  char  *machine;
  char  *keytab;
  char  *reference;
  char  *password_file;
  int    interval_ms;
  int    deadline_ms;
  gboolean json;
} FlCliOptions;

/* what the commands that act on VMs (vm, exercise run) are told */
typedef struct
{
  char    *secret_file;
  char    *accept_key;
  int      guard_min;
  gboolean yes;
} FlCliActOptions;

GOptionGroup  *fl_cli_lab_options      (FlCliOptions  *options);
void           fl_cli_add_act_options  (GOptionContext  *context,
                                        FlCliActOptions *options);
void           fl_cli_act_options_clear (FlCliActOptions *options);
void           fl_cli_print_json       (JsonNode      *node,
                                        gboolean       pretty);
FlLab         *fl_cli_load_lab         (FlCliOptions  *options,
                                        GError       **error);
FlProbeConfig *fl_cli_probe_config     (FlCliOptions  *options,
                                        FlLab         *lab,
                                        GError       **error);
void           fl_cli_options_clear    (FlCliOptions  *options);
int            fl_cli_fail             (const char    *format,
                                        ...) G_GNUC_PRINTF (1, 2);
int            fl_cli_fail_with        (int            code,
                                        const char    *format,
                                        ...) G_GNUC_PRINTF (2, 3);
char          *fl_cli_format_ms        (gint64         us);
char          *fl_cli_safe             (const char    *text);
char          *fl_cli_read_secret_file (const char    *path,
                                        GError       **error);

int fl_cli_check  (int argc, char **argv);
int fl_cli_watch  (int argc, char **argv);
int fl_cli_locate (int argc, char **argv);
int fl_cli_fsmo   (int argc, char **argv);
int fl_cli_decode (int argc, char **argv);
int fl_cli_mark_fault (int argc, char **argv);
int fl_cli_vm (int argc, char **argv);
int fl_cli_fsmo_transfer (int argc, char **argv);
int fl_cli_client (int argc, char **argv);
int fl_cli_exercise (int argc, char **argv);
int fl_cli_report (int argc, char **argv);

FlHypervisor *fl_cli_open_hypervisor (FlLab       *lab,
                                      const char  *secret_file,
                                      const char  *accept_key,
                                      guint        vmid,
                                      gboolean     quiet,
                                      gboolean    *connected,
                                      GError     **error);

gboolean fl_cli_send_fault (const char  *control,
                            const char  *dc,
                            const char  *note,
                            gint64      *t_us,
                            GError     **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FlCliActOptions, fl_cli_act_options_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FlCliOptions, fl_cli_options_clear)

G_END_DECLS
