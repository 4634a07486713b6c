package apikey_test

import (
	"context"
	"strings"
	"testing"

	"github.com/clinictriage/assistant"
	"github.com/clinictriage/assistant/apikey"
	"github.com/clinictriage/assistant/store/storetest"
)

func TestCreateVerifyRevoke(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := storetest.New(t)
	keys := apikey.NewStore(s.Pool)

	k, secret, err := keys.Create(ctx, "crm", false)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, "tk_") || len(secret) < 40 || !strings.HasPrefix(secret, k.Prefix) {
		t.Fatalf("secret %q with prefix %q", secret, k.Prefix)
	}
	var stored int
	if err := s.Pool.QueryRow(ctx, `SELECT count(*) FROM api_keys WHERE hash = convert_to($1, 'UTF8') OR prefix = $1`, secret).Scan(&stored); err != nil || stored != 0 {
		t.Fatalf("the secret itself is stored (%d rows, %v)", stored, err)
	}

	got, err := keys.Verify(ctx, secret)
	if err != nil || got.ID != k.ID || got.Name != "crm" {
		t.Fatalf("verify: %+v, %v", got, err)
	}
	for _, bad := range []string{"", "tk_", secret + "x", "Bearer " + secret, strings.ToUpper(secret)} {
		if _, err := keys.Verify(ctx, bad); assistant.ErrorCode(err) != assistant.EUNAUTHORIZED {
			t.Errorf("verify %q: %v, want EUNAUTHORIZED", bad, err)
		}
	}

	if _, _, err := keys.Create(ctx, "crm", false); assistant.ErrorCode(err) != assistant.EINVALID {
		t.Errorf("second active key with the same name: %v", err)
	}
	_, rotated, err := keys.Create(ctx, "crm", true)
	if err != nil {
		t.Fatal(err)
	}
	// Rotation revoked the first key in the database; this process's cache forgets it on Revoke only,
	// so check through a fresh store as another replica would see it.
	other := apikey.NewStore(s.Pool)
	if _, err := other.Verify(ctx, secret); assistant.ErrorCode(err) != assistant.EUNAUTHORIZED {
		t.Errorf("rotated-out key still verifies: %v", err)
	}
	if _, err := other.Verify(ctx, rotated); err != nil {
		t.Errorf("rotated key: %v", err)
	}

	if err := keys.Revoke(ctx, "crm"); err != nil {
		t.Fatal(err)
	}
	if _, err := keys.Verify(ctx, rotated); assistant.ErrorCode(err) != assistant.EUNAUTHORIZED {
		t.Errorf("revoked key still verifies: %v", err)
	}
	if err := keys.Revoke(ctx, "crm"); assistant.ErrorCode(err) != assistant.ENOTFOUND {
		t.Errorf("revoking twice: %v", err)
	}
	list, err := keys.List(ctx)
	if err != nil || len(list) != 2 || list[0].RevokedAt == nil || list[1].RevokedAt == nil {
		t.Fatalf("list %+v, %v", list, err)
	}
	if _, _, err := keys.Create(ctx, "  ", false); assistant.ErrorCode(err) != assistant.EINVALID {
		t.Errorf("empty name: %v", err)
	}
}
