/* fl-lab-types.h
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define FL_LAB_ERROR (fl_lab_error_quark ())

/**
 * FlLabError:
 * @FL_LAB_ERROR_IO: the file could not be read or written
 * @FL_LAB_ERROR_SYNTAX: not JSON
 * @FL_LAB_ERROR_FORMAT: a "format" this version does not read
 * @FL_LAB_ERROR_MISSING: a required field is missing
 * @FL_LAB_ERROR_TYPE: a field has the wrong JSON type
 * @FL_LAB_ERROR_VALUE: a field's value is invalid
 * @FL_LAB_ERROR_UNKNOWN_KEY: a field this format does not have
 * @FL_LAB_ERROR_DUPLICATE: a name, address or VM used twice
 * @FL_LAB_ERROR_SECRET: something that looks like a secret
 *
 * Every error message starts with the JSON path of the offending value.
 */
typedef enum /*< prefix=FL_LAB_ERROR >*/
{
  FL_LAB_ERROR_IO,
  FL_LAB_ERROR_SYNTAX,
  FL_LAB_ERROR_FORMAT,
  FL_LAB_ERROR_MISSING,
  FL_LAB_ERROR_TYPE,
  FL_LAB_ERROR_VALUE,
  FL_LAB_ERROR_UNKNOWN_KEY,
  FL_LAB_ERROR_DUPLICATE,
  FL_LAB_ERROR_SECRET,
} FlLabError;

/* the nicks are the lab file's words (hypervisor.type, client.access) */
typedef enum
{
  FL_HYPERVISOR_NONE,          /*< nick=none >*/
  FL_HYPERVISOR_PROXMOX_API,   /*< nick=proxmox-api >*/
  FL_HYPERVISOR_PROXMOX_SSH,   /*< nick=proxmox-ssh >*/
} FlHypervisorKind;

typedef enum
{
  FL_CLIENT_ACCESS_LOCAL,          /*< nick=local >*/
  FL_CLIENT_ACCESS_GUEST_AGENT,    /*< nick=guest-agent >*/
  FL_CLIENT_ACCESS_NONE,           /*< nick=none >*/
  FL_CLIENT_ACCESS_SSH,            /*< nick=ssh >*/   /* OpenSSH on Windows */
} FlClientAccess;

/* the Windows client's side of the lab: can it be asked for its views? */
typedef enum
{
  FL_WIN_CLIENT_IDLE,       /*< nick=idle >*/       /* not asked yet */
  FL_WIN_CLIENT_ANSWERING,  /*< nick=answering >*/  /* its last round answered */
  FL_WIN_CLIENT_NO_AGENT,   /*< nick=no-agent >*/   /* its guest agent is not running (off, booting) */
  FL_WIN_CLIENT_DENIED,     /*< nick=denied >*/     /* the token may not run commands in the guest */
  FL_WIN_CLIENT_SLOW,       /*< nick=slow >*/       /* no answer within the deadline */
  FL_WIN_CLIENT_UNTRUSTED,  /*< nick=untrusted >*/  /* its SSH host key is unknown or changed */
  FL_WIN_CLIENT_FAILED,     /*< nick=failed >*/     /* anything else: the message says what */
} FlWinClientState;

/* a Group Policy refresh on the client (gpupdate /force), as it reported */
typedef enum
{
  FL_WIN_GP_UNKNOWN,   /*< nick=unknown >*/   /* neither phrasing found: not read as a failure */
  FL_WIN_GP_SUCCESS,   /*< nick=success >*/
  FL_WIN_GP_FAILURE,   /*< nick=failure >*/
} FlWinGpResult;

/* what can be run on the Windows client besides its views (a person's or an exercise's step) */
typedef enum
{
  FL_WIN_ACTION_FLUSH_DNS,      /*< nick=flushdns >*/      /* ipconfig /flushdns */
  FL_WIN_ACTION_PURGE_TICKETS,  /*< nick=klist-purge >*/   /* klist purge */
  FL_WIN_ACTION_RESET_CHANNEL,  /*< nick=sc-reset >*/      /* nltest /sc_reset:DOMAIN */
  FL_WIN_ACTION_GPUPDATE,       /*< nick=gpupdate >*/      /* gpupdate /force, then gpresult /r */
  FL_WIN_ACTION_TEST_CHANNEL,   /*< nick=test-channel >*/  /* Test-ComputerSecureChannel */
  FL_WIN_ACTION_TEST_SYSVOL,    /*< nick=test-sysvol >*/   /* Test-Path \\DOMAIN\SYSVOL */
  FL_WIN_N_ACTIONS              /*< skip >*/
} FlWinAction;

#define FL_LAB_FORMAT 1

#define FL_LAB_INTERVAL_MIN_MS      100
#define FL_LAB_INTERVAL_MAX_MS    10000
#define FL_LAB_INTERVAL_DEFAULT_MS 1000
#define FL_LAB_DEADLINE_MIN_MS       50
#define FL_LAB_DEADLINE_MAX_MS    10000
#define FL_LAB_DEADLINE_DEFAULT_MS  800
#define FL_LAB_MAX_CONTROLLERS       16
#define FL_LAB_CLIENT_POLL_MIN_MS   1000
#define FL_LAB_CLIENT_POLL_MAX_MS  60000
#define FL_LAB_CLIENT_POLL_DEFAULT_MS 5000   /* Windows commands are slow */

GQuark fl_lab_error_quark (void);

const char *fl_hypervisor_kind_to_string  (FlHypervisorKind kind);
const char *fl_client_access_to_string    (FlClientAccess   access);

G_END_DECLS
