/* fl-win-output.h: the Windows client's command outputs (nltest, klist, LOGONSERVER), parsed by
 * token shape (labels are localized on Japanese Windows; DS flags, "\\" prefixes, GUIDs,
 * "Status = N 0xHEX SYMBOL" and host names are not), from bytes in UTF-8 or the console's code
 * page (CP932 on ja-JP). Pure functions: bounded, no I/O.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "fl-lab-types.h"

G_BEGIN_DECLS

#define FL_WIN_MAX_OUTPUT (256 * 1024)

/* a Win32 / NET status: "Status = 1355 0x54b ERROR_NO_SUCH_DOMAIN" */
typedef struct
{
  gboolean known;
  guint32  code;
  char    *symbol;     /* nullable */
} FlWinStatus;

typedef struct
{
  FlWinStatus status;         /* known and non-zero: the locator failed */
  char       *dc;             /* "DC2.test.local", without "\\" */
  char       *address;        /* "10.0.1.2" */
  char       *domain_guid;
  char       *domain;
  char       *forest;
  char       *dc_site;
  char       *client_site;
  char      **flags;          /* PDC GC DS LDAP KDC …; never NULL */
} FlWinDsGetDc;

typedef struct
{
  FlWinStatus connection;     /* "Trusted DC Connection Status", or the call's failure */
  FlWinStatus verification;   /* /sc_verify only */
  char       *trusted_dc;     /* nullable, without "\\" */
  guint32     flags;
} FlWinSecureChannel;

typedef struct
{
  char  *client;              /* "user01 @ TEST.LOCAL" */
  char  *server;              /* "krbtgt/TEST.LOCAL @ TEST.LOCAL" */
  char  *kdc_called;          /* nullable */
  char **flags;               /* forwardable renewable …; never NULL */
} FlWinTicket;

typedef struct
{
  GPtrArray *tickets;         /* FlWinTicket, in klist's order */
  char      *tgt_kdc;         /* the KDC that issued the TGT (nullable) */
  char      *service_kdc;     /* the KDC of the newest service ticket (nullable) */
} FlWinKlist;

/* a PowerShell boolean printed on its own line (Test-ComputerSecureChannel, Test-Path); the
 * VERBOSE lines around it are localized, the True/False is not */
typedef enum
{
  FL_WIN_ANSWER_NONE,
  FL_WIN_ANSWER_TRUE,
  FL_WIN_ANSWER_FALSE,
} FlWinAnswer;

typedef struct
{
  FlWinGpResult result;       /* a failure when any part failed */
  FlWinGpResult computer;     /* the first result line */
  FlWinGpResult user;         /* the second */
  char         *applied_from; /* gpresult /r: "Group Policy was applied from:" (nullable) */
} FlWinGpupdate;

/* one round of the client's views: one PowerShell run, its parts between markers */
typedef enum
{
  FL_WIN_PART_DSGETDC,      /* nltest /dsgetdc:DOMAIN /force */
  FL_WIN_PART_SC_QUERY,     /* nltest /sc_query:DOMAIN */
  FL_WIN_PART_KLIST,        /* klist */
  FL_WIN_PART_LOGONSERVER,  /* $env:LOGONSERVER */
  FL_WIN_N_PARTS
} FlWinPart;

#define FL_WIN_MARK "@@failover-lab:"

char               *fl_win_round_script       (const char   *domain);
char               *fl_win_powershell_encode  (const char   *script);
GStrv               fl_win_round_argv         (const char   *domain);
GStrv               fl_win_split_round        (const char   *text);
char               *fl_win_action_script      (FlWinAction   action,
                                               const char   *domain);
GStrv               fl_win_action_argv        (FlWinAction   action,
                                               const char   *domain);
const char         *fl_win_part_name          (FlWinPart     part);
char               *fl_win_command_line       (const char * const *argv);
guint               fl_win_parse_chcp         (const char   *text);

char               *fl_win_agent_text         (const char   *out_data,
                                               const char   *codepage);
char               *fl_win_decode_output      (const guint8 *data,
                                               gsize         length,
                                               const char   *codepage);
FlWinDsGetDc       *fl_win_parse_dsgetdc      (const char   *text);
FlWinSecureChannel *fl_win_parse_sc_query     (const char   *text);
FlWinKlist         *fl_win_parse_klist        (const char   *text);
char               *fl_win_parse_logonserver  (const char   *text);
FlWinAnswer         fl_win_parse_answer       (const char   *text);
FlWinGpupdate      *fl_win_parse_gpupdate     (const char   *text);

void fl_win_dsgetdc_free        (FlWinDsGetDc       *self);
void fl_win_secure_channel_free (FlWinSecureChannel *self);
void fl_win_klist_free          (FlWinKlist         *self);
void fl_win_gpupdate_free       (FlWinGpupdate      *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlWinDsGetDc, fl_win_dsgetdc_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlWinSecureChannel, fl_win_secure_channel_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlWinKlist, fl_win_klist_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlWinGpupdate, fl_win_gpupdate_free)

G_END_DECLS
