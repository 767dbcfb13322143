/*
 * The two memory BIOs between a TLS session (ctl/tls.c) and the control
 * channel. A memory BIO keeps the capacity of the largest flight it ever
 * held (the certificate flights of the handshake, kilobytes) although an
 * established session passes only a few small messages: a server holds
 * one session per client, so once a handshake's flights are drained the
 * BIOs are replaced by empty ones.
 */
#ifndef DCOVPN_CTL_TLS_BIO_H
#define DCOVPN_CTL_TLS_BIO_H

#include <stdbool.h>

#include <openssl/bio.h>
#include <openssl/ssl.h>

/* A BIO for the peer's ciphertext: empty means "wait for more", not end of
 * stream. NULL: out of memory. */
BIO *tls_bio_new_in(void);
/* A BIO for our ciphertext to the peer. NULL: out of memory. */
BIO *tls_bio_new_out(void);
/* Replace @ssl's BIOs *@in and *@out by new empty ones, each only if it
 * holds nothing (and kept as it is when no new one can be made): true
 * when both were replaced. */
bool tls_bio_trim(SSL *ssl, BIO **in, BIO **out);

#endif
