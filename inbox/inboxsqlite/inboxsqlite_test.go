package inboxsqlite_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/inbox"
	"github.com/inspecthook/inspecthook/inbox/inboxsqlite"
)

// TestOpenDB checks the settings OpenDB gives a file, whatever characters its path holds, and
// that the inbox opens on it.
func TestOpenDB(t *testing.T) {
	for _, name := range []string{"inbox.db", "a dir?with#odd%chars/inbox.db"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), name)
			require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
			db, err := inboxsqlite.OpenDB(path)
			require.NoError(t, err)
			t.Cleanup(func() { _ = db.Close() })
			assert.Equal(t, 1, db.Stats().MaxOpenConnections)
			for pragma, want := range map[string]string{
				"journal_mode": "wal",
				"busy_timeout": "10000",
				"synchronous":  "2", // FULL: a commit is on disk when it returns
			} {
				var got string
				require.NoError(t, db.QueryRow("PRAGMA "+pragma).Scan(&got))
				assert.Equal(t, want, got, pragma)
			}
			assert.FileExists(t, path, "the file is where the path says, not at an escaped name")

			ib, err := inbox.Open(t.Context(), inboxsqlite.New(db), inbox.Config{})
			require.NoError(t, err)
			st, err := ib.Stats(t.Context())
			require.NoError(t, err)
			assert.Empty(t, st.Counts)
		})
	}
}

func TestOpenDBEmptyPath(t *testing.T) {
	_, err := inboxsqlite.OpenDB("")
	require.Error(t, err)
}
