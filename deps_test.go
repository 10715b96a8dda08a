package inspecthook_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestCorePackagesImportNoDrivers checks that the core packages never pull in a database or
// Redis driver, so that a team that uses only them builds none: the drivers live in their own
// packages (idempotency/redisstore, idempotency/pgstore, idempotency/sqlitestore,
// ratelimit/redislimit).
func TestCorePackagesImportNoDrivers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list; skipped with -short")
	}
	core := []string{
		"github.com/inspecthook/inspecthook",
		"github.com/inspecthook/inspecthook/verify",
		"github.com/inspecthook/inspecthook/events/...",
		"github.com/inspecthook/inspecthook/ratelimit",
		"github.com/inspecthook/inspecthook/idempotency",
		"github.com/inspecthook/inspecthook/idempotency/storetest",
		"github.com/inspecthook/inspecthook/receiver",
		"github.com/inspecthook/inspecthook/webhooktest",
	}
	forbidden := []string{
		"github.com/redis/go-redis",
		"github.com/go-redis/redis_rate",
		"github.com/jackc/pgx",
		"modernc.org/sqlite",
		"github.com/riverqueue/river",
	}
	out, err := exec.Command("go", append([]string{"list", "-deps"}, core...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < len(core) {
		t.Fatalf("go list -deps listed %d packages: %s", len(deps), out)
	}
	for _, dep := range deps {
		for _, f := range forbidden {
			if strings.HasPrefix(dep, f) {
				t.Errorf("a core package depends on %s", dep)
			}
		}
	}
}
