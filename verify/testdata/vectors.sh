#!/usr/bin/env bash
# Regenerates vectors.tsv: HMAC and Standard Webhooks signatures (v1 and v1a) computed with
# openssl, so the Go tests check the verify package against an implementation that shares no code
# with it.
# Run from anywhere: bash verify/testdata/vectors.sh
set -euo pipefail
cd "$(dirname "$0")"

# mac ALG HEXKEY: the raw HMAC of standard input.
mac() { openssl dgst -"$1" -mac HMAC -macopt "hexkey:$2" -binary; }
hexkey() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'; }
b64() { base64 -w0; }

bodies=(
  '{"event":"create","transaction":{"id":46782411}}'
  '{"webhook_id":"b6b4b4f1","event":{"event_types":["TRIGGER_EVENT_INSPECTION_COMPLETED"]}}'
  '{"label":"Pneu arrière usé – 東京"}'
  ''
)

{
  printf '# kind\targs...\n'
  printf '# hmac\talgorithm\tsecret\tbody(base64)\thex\tbase64\n'
  printf '# standard\tsecret(whsec_)\tmsg-id\ttimestamp\tbody(base64)\twebhook-signature\n'
  printf '# standard-v1a\tprivate key(whsk_, 32-byte seed)\tpublic key(whpk_)\tmsg-id\ttimestamp\tbody(base64)\twebhook-signature\n'
  for alg in sha256 sha1 sha512; do
    for secret in 'sc-org-token-0001' 'vehreports endpoint secret'; do
      for body in "${bodies[@]}"; do
        raw=$(printf '%s' "$body" | mac "$alg" "$(hexkey "$secret")" | od -An -v -tx1 | tr -d ' \n')
        b=$(printf '%s' "$body" | mac "$alg" "$(hexkey "$secret")" | b64)
        printf 'hmac\t%s\t%s\t%s\t%s\t%s\n' "$alg" "$secret" "$(printf '%s' "$body" | b64)" "$raw" "$b"
      done
    done
  done
  # The first secret, id, timestamp and body are the example published with the Standard
  # Webhooks specification; its expected signature is v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=.
  while IFS='|' read -r secret id ts body; do
    key=$(printf '%s' "${secret#whsec_}" | base64 -d | od -An -v -tx1 | tr -d ' \n')
    sig=$(printf '%s.%s.%s' "$id" "$ts" "$body" | mac sha256 "$key" | b64)
    printf 'standard\t%s\t%s\t%s\t%s\tv1,%s\n' "$secret" "$id" "$ts" "$(printf '%s' "$body" | b64)" "$sig"
  done <<'CASES'
whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw|msg_p5jXN8AQM9LWM0D4loKWxJek|1614265330|{"test": 2432232314}
whsec_c2VjcmV0LWtleS1mb3ItaW5zcGVjdGlvbnM=|msg_2f7bInspectorio|1732350000|{"messageId":"wh-1","eventCode":"report.created"}
whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=|wh-0190a1b2|1700000000|
CASES
  # v1a: ed25519 over the same content. openssl reads the 32-byte seed as a PKCS #8 key (the
  # DER prefix of an Ed25519 private key, then the seed) and signs the content as it is. The
  # first seed, id, timestamp and body are the v1a signing example of the reference Go library of
  # Standard Webhooks (libraries/go/webhook_asymmetric_test.go, TestAsymmetricWebhookSign); its
  # expected signature is v1a,tQ9V2XOqn7jL/DQenEFpqIugdBVtiMmER5mhSkXBNwM0mkATuDe6KYYUuxqtaiHeYGb7KaaBRdM5WqyeFiL8Ag==.
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  while IFS='|' read -r seed id ts body; do
    printf '302e020100300506032b657004220420%s' "$(printf '%s' "$seed" | base64 -d | od -An -v -tx1 | tr -d ' \n')" |
      xxd -r -p > "$tmp/key.der"
    openssl pkey -inform DER -in "$tmp/key.der" -out "$tmp/key.pem"
    pub=$(openssl pkey -in "$tmp/key.pem" -pubout -outform DER | tail -c 32 | b64)
    printf '%s.%s.%s' "$id" "$ts" "$body" > "$tmp/content"
    sig=$(openssl pkeyutl -sign -rawin -inkey "$tmp/key.pem" -in "$tmp/content" | b64)
    printf 'standard-v1a\twhsk_%s\twhpk_%s\t%s\t%s\t%s\tv1a,%s\n' "$seed" "$pub" "$id" "$ts" "$(printf '%s' "$body" | b64)" "$sig"
  done <<'CASES'
VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=|msg_p5jXN8AQM9LWM0D4loKWxJek|1614265330|{"test": 2432232314}
aW5zcGVjdGhvb2stdjFhLXZlY3Rvci1zZWVkLTAwMDE=|msg_2f7bInspectorio|1732350000|{"messageId":"wh-1","eventCode":"report.created"}
AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=|wh-0190a1b2|1700000000|
//////////////////////////////////////////8=|msg_utf8|1795435200|{"label":"Pneu arrière usé – 東京"}
CASES
} > vectors.tsv
echo "wrote $(grep -vc '^#' vectors.tsv) vectors to $(pwd)/vectors.tsv"
