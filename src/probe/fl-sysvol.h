/* fl-sysvol.h: what the SYSVOL helper (failover-lab-sysvol) says, and the GPT.INI files it
 * reads, taken apart (pure functions)
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "fl-gpo-guid.h"

G_BEGIN_DECLS

/* the Default Domain Policy, the GPO every domain has */
#define FL_DEFAULT_DOMAIN_POLICY "{31B2F340-016D-11D2-945F-00C04FB984F9}"

/* limits: the helper's whole output, the GPOs it reports, one GPT.INI */
#define FL_SYSVOL_REPLY_MAX (256 * 1024)
#define FL_SYSVOL_PASSWORD_MAX 1023   /* bytes of the password line (without its newline) */
#define FL_SYSVOL_MAX_GPOS 64
#define FL_GPT_INI_MAX (16 * 1024)

/* where the helper was when something failed */
typedef enum
{
  FL_SYSVOL_STEP_NONE,
  FL_SYSVOL_STEP_SHARE,     /* connect, session setup, tree connect to \\dc\SYSVOL */
  FL_SYSVOL_STEP_POLICIES,  /* listing <domain>\Policies */
  FL_SYSVOL_STEP_GPT,       /* reading the Default Domain Policy's GPT.INI */
} FlSysvolStep;

typedef struct
{
  char     *guid;         /* "{31B2F340-…}", upper case */
  int       error_number; /* 0, or the errno reading its GPT.INI */
  gboolean  has_version;
  guint32   version;      /* GPT.INI [General] Version: user << 16 | computer */
} FlSysvolGpo;

typedef struct
{
  FlSysvolStep  failed_step;  /* FL_SYSVOL_STEP_NONE: it read everything */
  int           error_number; /* the errno libsmbclient gave at that step */
  char         *log;          /* (nullable) libsmbclient's own words about it, valid UTF-8 */
  guint         n_entries;    /* folders listed in Policies */
  GPtrArray    *gpos;         /* (element-type FlSysvolGpo) in the order listed */
} FlSysvolReply;

void           fl_sysvol_reply_free   (FlSysvolReply *reply);
FlSysvolReply *fl_sysvol_parse_reply  (const char    *data,
                                       gsize          length,
                                       GError       **error);
const FlSysvolGpo *fl_sysvol_reply_lookup (const FlSysvolReply *reply,
                                           const char          *guid);

gboolean       fl_gpt_ini_parse       (const char    *data,
                                       gsize          length,
                                       guint32       *version,
                                       GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlSysvolReply, fl_sysvol_reply_free)

G_END_DECLS
