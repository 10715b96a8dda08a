package inspecthook_test

import (
	"io/fs"
	"path"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook"
)

var providers = []string{"record360", "safetyculture", "inspectorio", "vehreports"}

// TestCorpusIndex checks that every provider's index lists exactly the files in its directory,
// and that each provider has fixtures of every kind.
func TestCorpusIndex(t *testing.T) {
	for _, p := range providers {
		t.Run(p, func(t *testing.T) {
			fixtures, err := inspecthook.LoadFixtures(p)
			require.NoError(t, err)
			listed := map[string]bool{}
			kinds := map[string]int{}
			for _, f := range fixtures {
				assert.False(t, listed[f.File], "%s listed twice", f.File)
				listed[f.File] = true
				kinds[f.Kind]++
				assert.Equal(t, p, f.Provider)
				body, err := f.Body()
				if assert.NoError(t, err, f.File) && f.Kind != inspecthook.KindBad {
					assert.NotEmpty(t, body, f.File)
				}
				assert.NotEmpty(t, f.Note, "%s has no note", f.File)
			}
			for _, k := range []string{inspecthook.KindEvent, inspecthook.KindVariant, inspecthook.KindUnknown, inspecthook.KindBad} {
				assert.Positive(t, kinds[k], "no %s fixture", k)
			}
			err = fs.WalkDir(inspecthook.Fixtures(), p, func(name string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || path.Base(name) == "index.json" {
					return err
				}
				assert.True(t, listed[name], "%s is not in %s/index.json", name, p)
				return nil
			})
			require.NoError(t, err)
		})
	}
}

func TestLoadFixturesErrors(t *testing.T) {
	_, err := inspecthook.LoadFixtures("nobody")
	assert.ErrorIs(t, err, fs.ErrNotExist)
}

func TestFixturesFS(t *testing.T) {
	entries, err := fs.ReadDir(inspecthook.Fixtures(), ".")
	require.NoError(t, err)
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, e.Name())
		}
	}
	for _, p := range providers {
		assert.True(t, slices.Contains(dirs, p), "no %s directory", p)
	}
}
