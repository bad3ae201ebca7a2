/* fl-hint.h: what a failing check means and what to do next
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "fl-sample.h"

G_BEGIN_DECLS

/**
 * FlHint:
 * @FL_HINT_NONE: nothing to say (ok, or a class without advice)
 * @FL_HINT_DC_DOWN: the DC's host does not answer at all
 * @FL_HINT_SERVICE_STOPPED: the host answers, the service's port is closed
 * @FL_HINT_NO_ANSWER: the service does not answer by the deadline
 * @FL_HINT_CLOCK_SKEW: the clocks disagree (Kerberos fails beyond 5 minutes)
 * @FL_HINT_TRUST_BROKEN: the machine account's password no longer matches
 * @FL_HINT_TRUST_BROKEN_WS2025: the same where every DC runs Windows Server 2025
 * @FL_HINT_CREDENTIALS: the KDC refused the user's credentials
 * @FL_HINT_NOT_SYNCHRONIZED: the DC has not finished its first inbound replication
 * @FL_HINT_NETLOGON_PAUSED: Netlogon is paused, or the DC says it is no directory server
 * @FL_HINT_DNS_RECORDS: the DC's DNS lacks the domain's SRV or A records
 * @FL_HINT_LOCATOR_DNS: the client's resolver finds no DC for the domain
 * @FL_HINT_NO_DC: no domain controller answers the locator at all (the total outage)
 * @FL_HINT_SSSD_UNAVAILABLE: SSSD's InfoPipe cannot be asked here
 * @FL_HINT_SSSD_OFFLINE: SSSD has no active server
 * @FL_HINT_INFRA_ON_GC: the Infrastructure master is a global catalog while another DC is not
 * @FL_HINT_SYSVOL: the DC's SYSVOL serves no Group Policy (share, folder or GPT.INI refused or
 *   missing) while SMB answers
 *
 * A failure class: one explanation and next step each (fl_hint_get_title() and friends). The
 * vocabulary of hints; the app, the command line and the exercises use these.
 */
typedef enum
{
  FL_HINT_NONE,                 /*< nick=none >*/
  FL_HINT_DC_DOWN,              /*< nick=dc-down >*/
  FL_HINT_SERVICE_STOPPED,      /*< nick=service-stopped >*/
  FL_HINT_NO_ANSWER,            /*< nick=no-answer >*/
  FL_HINT_CLOCK_SKEW,           /*< nick=clock-skew >*/
  FL_HINT_TRUST_BROKEN,         /*< nick=trust-broken >*/
  FL_HINT_TRUST_BROKEN_WS2025,  /*< nick=trust-broken-ws2025 >*/
  FL_HINT_CREDENTIALS,          /*< nick=credentials >*/
  FL_HINT_NOT_SYNCHRONIZED,     /*< nick=not-synchronized >*/
  FL_HINT_NETLOGON_PAUSED,      /*< nick=netlogon-paused >*/
  FL_HINT_DNS_RECORDS,          /*< nick=dns-records >*/
  FL_HINT_LOCATOR_DNS,          /*< nick=locator-dns >*/
  FL_HINT_NO_DC,                /*< nick=no-dc >*/
  FL_HINT_SSSD_UNAVAILABLE,     /*< nick=sssd-unavailable >*/
  FL_HINT_SSSD_OFFLINE,         /*< nick=sssd-offline >*/
  FL_HINT_INFRA_ON_GC,          /*< nick=infra-on-gc >*/
  FL_HINT_SYSVOL,               /*< nick=sysvol >*/
  FL_N_HINTS                    /*< skip >*/
} FlHint;

/**
 * FlHintContext:
 * @all_dcs_ws2025: every DC says domainControllerFunctionality 10 (Windows Server 2025)
 * @infra_on_gc: the DC holding the Infrastructure master role when it is a global catalog while
 *   another DC that answers is not; %NULL otherwise
 *
 * What the domain as a whole says, for hints that depend on it.
 */
typedef struct
{
  gboolean    all_dcs_ws2025;
  const char *infra_on_gc;   /* the Infrastructure master, when it is a GC and another DC
                              * that answers is not (borrowed from the samples scanned) */
} FlHintContext;

FlHint       fl_hint_classify      (const FlSample      *sample,
                                    const FlHintContext *context);
void         fl_hint_context_scan  (FlHintContext       *context,
                                    FlSample * const    *samples,
                                    guint                n_samples);
const char  *fl_hint_get_dc        (const FlSample      *sample,
                                    FlHint               hint,
                                    const FlHintContext *context);
const char  *fl_hint_to_string     (FlHint               hint);
const char  *fl_hint_get_title     (FlHint               hint);
char        *fl_hint_get_text      (FlHint               hint,
                                    const char          *dc,
                                    const char          *domain);

G_END_DECLS
