package account

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Hasher hashes passwords with argon2id and says its parameters in the hash (PHC string format), so
// that stronger parameters later do not invalidate the hashes already stored.
type Hasher struct {
	Time    uint32 // passes
	Memory  uint32 // KiB
	Threads uint8
}

// DefaultHasher follows OWASP's argon2id recommendation (19 MiB, 2 passes, 1 lane) with more memory:
// about 50 ms a login on this class of machine.
var DefaultHasher = Hasher{Time: 2, Memory: 64 * 1024, Threads: 2}

// hashing bounds the argon2id computations running at once: each takes its memory (64 MiB by
// default), and a flood of logins must not take the server's memory with it.
var hashing = make(chan struct{}, 4)

// Hash returns the PHC string of password with a random salt.
func (h Hasher) Hash(password string) (string, error) {
	hashing <- struct{}{}
	defer func() { <-hashing }()
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("account: salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, h.Time, h.Memory, h.Threads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, h.Memory, h.Time, h.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// Compare reports whether password matches a PHC string, with the parameters written in it.
func (Hasher) Compare(password, encoded string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 {
		return false
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false
	}
	hashing <- struct{}{}
	defer func() { <-hashing }()
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is compared against when there is no account, so that an unknown e-mail costs the same
// time as a known one with a wrong password.
var dummyHash, _ = DefaultHasher.Hash("no account has this password")
