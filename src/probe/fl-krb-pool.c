/* fl-krb-pool.c: krb5 contexts and learned pre-authentication, kept across a config's checks
 *
 * A Kerberos check used to build a krb5 context (profile parse, plugin loading under the
 * dynamic loader's lock) and derive the password's key (PBKDF2, 4096 iterations) every time,
 * then spend a round trip on a request without pre-authentication only to be told the etype and
 * salt. A domain client learns those once; so does the probe now:
 *
 *  - idle contexts are kept per profile and handed to one check at a time (a krb5 context is not
 *    used by two threads at once);
 *  - the etype the KDC chose (and, for a password, the key derived with its salt) is kept per
 *    profile and principal; the next exchanges pre-authenticate at once (optimistic encrypted
 *    timestamp, one round trip), from a MEMORY keytab for a password. A check that fails forgets
 *    what was learned, so the next one asks again.
 *
 * The pool belongs to a FlProbeConfig and is freed with it, after the last check (every job
 * holds a reference on its config). The derived keys are wiped then.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-checks"

#include "config.h"

#include <profile.h>
#include <string.h>

#include "fl-krb-pool.h"

#define MAX_IDLE_PER_PROFILE 8

typedef struct
{
  krb5_enctype  etype;
  char         *keytab; /* MEMORY:… with the password's key, or NULL (a keytab file) */
} Learned;

typedef struct
{
  krb5_keytab     handle; /* kept open: MIT drops a MEMORY keytab when its last handle closes */
  krb5_principal  principal;
  krb5_enctype    etype;
} MemoryKeytab;

struct _FlKrbPool
{
  GMutex        lock;
  GHashTable   *idle;     /* profile path → GPtrArray of krb5_context */
  GHashTable   *learned;  /* "profile\nprincipal" → Learned */
  krb5_context  owner;    /* holds the MEMORY keytabs' handles; used under the lock */
  GPtrArray    *keytabs;  /* MemoryKeytab: every one made, wiped when the pool goes */
};

static void
learned_free (gpointer data)
{
  Learned *learned = data;

  g_free (learned->keytab);
  g_free (learned);
}


static void
idle_free (gpointer data)
{
  GPtrArray *idle = data;

  for (guint i = 0; i < idle->len; i++)
    krb5_free_context (idle->pdata[i]);
  g_ptr_array_unref (idle);
}

FlKrbPool *
fl_krb_pool_new (void)
{
  FlKrbPool *pool = g_new0 (FlKrbPool, 1);

  g_mutex_init (&pool->lock);
  pool->idle = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, idle_free);
  pool->learned = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, learned_free);
  pool->keytabs = g_ptr_array_new_with_free_func (g_free);
  return pool;
}

/* MIT 1.20 cannot destroy a MEMORY keytab from outside; it goes when its last handle is closed.
 * Remove the entries first, so the keys are wiped (krb5_kt_free_entry zeroes them). */
void
fl_krb_pool_free (FlKrbPool *pool)
{
  if (pool == NULL)
    return;
  for (guint i = 0; i < pool->keytabs->len; i++)
    {
      MemoryKeytab *kt = pool->keytabs->pdata[i];
      krb5_keytab_entry entry;

      memset (&entry, 0, sizeof entry);
      entry.principal = kt->principal;
      entry.vno = 1;
      entry.key.enctype = kt->etype;
      krb5_kt_remove_entry (pool->owner, kt->handle, &entry);
      krb5_kt_close (pool->owner, kt->handle);
      krb5_free_principal (pool->owner, kt->principal);
    }
  g_ptr_array_unref (pool->keytabs);
  g_hash_table_unref (pool->learned);
  g_hash_table_unref (pool->idle);
  if (pool->owner != NULL)
    krb5_free_context (pool->owner);
  g_mutex_clear (&pool->lock);
  g_free (pool);
}

/**
 * fl_krb_pool_acquire:
 *
 * A krb5 context reading @profile_path, for this thread alone until released: an idle one, or a
 * new one.
 */
krb5_error_code
fl_krb_pool_acquire (FlKrbPool    *pool,
                     const char   *profile_path,
                     krb5_context *ctx_out)
{
  GPtrArray *idle;
  profile_t profile = NULL;
  krb5_error_code code;

  *ctx_out = NULL;
  g_mutex_lock (&pool->lock);
  idle = g_hash_table_lookup (pool->idle, profile_path);
  if (idle != NULL && idle->len > 0)
    *ctx_out = g_ptr_array_steal_index_fast (idle, idle->len - 1);
  g_mutex_unlock (&pool->lock);
  if (*ctx_out != NULL)
    return 0;

  if ((code = profile_init_path (profile_path, &profile)) != 0)
    return code;
  code = krb5_init_context_profile (profile, 0, ctx_out);
  profile_release (profile);
  return code;
}

void
fl_krb_pool_release (FlKrbPool    *pool,
                     const char   *profile_path,
                     krb5_context  ctx)
{
  GPtrArray *idle;

  if (ctx == NULL)
    return;
  krb5_set_trace_callback (ctx, NULL, NULL);
  krb5_clear_error_message (ctx);
  g_mutex_lock (&pool->lock);
  idle = g_hash_table_lookup (pool->idle, profile_path);
  if (idle == NULL)
    {
      idle = g_ptr_array_new ();
      g_hash_table_insert (pool->idle, g_strdup (profile_path), idle);
    }
  if (idle->len < MAX_IDLE_PER_PROFILE)
    {
      g_ptr_array_add (idle, ctx);
      ctx = NULL;
    }
  g_mutex_unlock (&pool->lock);
  if (ctx != NULL)
    krb5_free_context (ctx);
}

static char *
learned_key (const char *profile_path,
             const char *principal)
{
  return g_strconcat (profile_path, "\n", principal, NULL);
}

/**
 * fl_krb_pool_lookup:
 * @etype_out: the etype the KDC chose for @principal
 * @keytab_out: (transfer full) (nullable): the MEMORY keytab holding the password's key, or
 *   %NULL when the principal's keys are in a keytab file
 *
 * Returns: %TRUE when the etype is known: pre-authenticate at once
 */
gboolean
fl_krb_pool_lookup (FlKrbPool     *pool,
                    const char    *profile_path,
                    const char    *principal,
                    krb5_enctype  *etype_out,
                    char         **keytab_out)
{
  g_autofree char *key = learned_key (profile_path, principal);
  Learned *learned;

  g_mutex_lock (&pool->lock);
  learned = g_hash_table_lookup (pool->learned, key);
  if (learned != NULL)
    {
      *etype_out = learned->etype;
      *keytab_out = g_strdup (learned->keytab);
    }
  g_mutex_unlock (&pool->lock);
  return learned != NULL;
}

/* Puts @key for @client into a new MEMORY keytab that the pool owns (and wipes when it goes);
 * hands back its name. */
static krb5_error_code
pool_add_keytab (FlKrbPool     *pool,
                 krb5_principal client,
                 krb5_enctype   etype,
                 krb5_keyblock *key,
                 char         **name_out)
{
  static gint serial;
  g_autofree char *name = g_strdup_printf ("MEMORY:failover-lab-probe-%d", g_atomic_int_add (&serial, 1));
  MemoryKeytab *kt;
  krb5_keytab_entry entry;
  krb5_error_code code = 0;

  /* the owner is made outside the lock: the other checks of the round do not wait for it */
  if (g_atomic_pointer_get (&pool->owner) == NULL)
    {
      krb5_context owner = NULL;

      if ((code = krb5_init_context (&owner)) != 0)
        return code;
      if (!g_atomic_pointer_compare_and_exchange (&pool->owner, NULL, owner))
        krb5_free_context (owner);
    }

  memset (&entry, 0, sizeof entry);
  entry.vno = 1;
  entry.key = *key;
  entry.principal = client;
  kt = g_new0 (MemoryKeytab, 1);
  kt->etype = etype;
  g_mutex_lock (&pool->lock);
  if ((code = krb5_copy_principal (pool->owner, client, &kt->principal)) == 0 &&
      (code = krb5_kt_resolve (pool->owner, name, &kt->handle)) == 0)
    {
      code = krb5_kt_add_entry (pool->owner, kt->handle, &entry);
      /* kept even when the add failed: the handle is closed with the pool */
      g_ptr_array_add (pool->keytabs, g_steal_pointer (&kt));
    }
  else if (kt->principal != NULL)
    krb5_free_principal (pool->owner, kt->principal);
  g_mutex_unlock (&pool->lock);
  g_free (kt);

  if (code == 0)
    *name_out = g_steal_pointer (&name);
  return code;
}

/**
 * fl_krb_pool_learn:
 * @password: (nullable): the password, whose key is derived once with @salt and @params; %NULL
 *   for a principal whose keys are in a keytab file
 *
 * @keytab_out: (transfer full) (nullable): as from fl_krb_pool_lookup()
 *
 * Keeps what the KDC said (krb5_get_etype_info()) for the next exchanges.
 */
krb5_error_code
fl_krb_pool_learn (FlKrbPool       *pool,
                   krb5_context     ctx,
                   const char      *profile_path,
                   krb5_principal   client,
                   const char      *principal,
                   const char      *password,
                   krb5_enctype     etype,
                   const krb5_data *salt,
                   const krb5_data *params,
                   char           **keytab_out)
{
  Learned *learned = g_new0 (Learned, 1);

  learned->etype = etype;
  if (password != NULL)
    {
      krb5_keyblock key;
      krb5_data pw;
      krb5_error_code code;

      memset (&key, 0, sizeof key);
      pw.magic = KV5M_DATA;
      pw.data = (char *) password;
      pw.length = strlen (password);
      code = krb5_c_string_to_key_with_params (ctx, etype, &pw, salt,
                                               params != NULL && params->length > 0 ? params : NULL,
                                               &key);
      if (code == 0)
        {
          code = pool_add_keytab (pool, client, etype, &key, &learned->keytab);
          krb5_free_keyblock_contents (ctx, &key);
        }
      if (code != 0)
        {
          learned_free (learned);
          return code;
        }
    }

  *keytab_out = g_strdup (learned->keytab);
  g_mutex_lock (&pool->lock);
  g_hash_table_replace (pool->learned, learned_key (profile_path, principal), learned);
  g_mutex_unlock (&pool->lock);
  return 0;
}

/**
 * fl_krb_pool_forget:
 *
 * After a failed exchange: the next check asks the KDC for the etype and salt again (a password
 * or an account changed, a KDC that wants another etype). The old key stays in its keytab, for a
 * check still using it, until the pool goes.
 */
void
fl_krb_pool_forget (FlKrbPool  *pool,
                    const char *profile_path,
                    const char *principal)
{
  g_autofree char *key = learned_key (profile_path, principal);

  g_mutex_lock (&pool->lock);
  g_hash_table_remove (pool->learned, key);
  g_mutex_unlock (&pool->lock);
}
