package verify

// Scheme names the scheme of v in a few lower-case letters, for metric labels and span
// attributes: "hmac", "standard-webhooks" (v1 and v1a alike), "basic", "bearer", "api-key",
// "jwt", "url-token", "ip-allowlist", "all" or "any" for a combination, and "other" for a
// Verifier of another package ("" for nil). It never holds a secret.
func Scheme(v Verifier) string {
	switch v.(type) {
	case nil:
		return ""
	case *HMAC:
		return "hmac"
	case *StandardWebhooks:
		return "standard-webhooks"
	case *Basic:
		return "basic"
	case *Bearer:
		return "bearer"
	case *APIKey:
		return "api-key"
	case *JWT:
		return "jwt"
	case *URLToken:
		return "url-token"
	case *IPAllowlist:
		return "ip-allowlist"
	case *AllOf:
		return "all"
	case *AnyOf:
		return "any"
	}
	return "other"
}
