/* Memory BIOs of a TLS session and their trimming; see tls_bio.h. */
#include "ctl/tls_bio.h"

BIO *tls_bio_new_in(void)
{
	BIO *b = BIO_new(BIO_s_mem());

	if (b)
		BIO_set_mem_eof_return(b, -1);
	return b;
}

BIO *tls_bio_new_out(void)
{
	return BIO_new(BIO_s_mem());
}

bool tls_bio_trim(SSL *ssl, BIO **in, BIO **out)
{
	bool both = true;
	BIO *b;

	if (!BIO_ctrl_pending(*in) && (b = tls_bio_new_in())) {
		SSL_set0_rbio(ssl, b);	/* frees the old one */
		*in = b;
	} else {
		both = false;
	}
	if (!BIO_ctrl_pending(*out) && (b = tls_bio_new_out())) {
		SSL_set0_wbio(ssl, b);
		*out = b;
	} else {
		both = false;
	}
	return both;
}
