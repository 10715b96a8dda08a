package inspecthook_test

import (
	"fmt"

	"github.com/inspecthook/inspecthook"
)

// Every provider's fixtures are listed with what they decode to.
func ExampleLoadFixtures() {
	fixtures, err := inspecthook.LoadFixtures("inspectorio")
	if err != nil {
		panic(err)
	}
	for _, f := range fixtures {
		if f.Kind == inspecthook.KindEvent {
			body, _ := f.Body()
			fmt.Println(f.File, f.Event, len(body) > 0)
		}
	}
	// Output:
	// inspectorio/sight_report_created.json report.created true
	// inspectorio/sight_report_file_ready.json report.file_ready true
}
