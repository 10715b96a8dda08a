package vehreports_test

import (
	"fmt"

	"github.com/inspecthook/inspecthook/events/vehreports"
)

func ExampleProvider() {
	body := []byte(`{
	  "id": "evt_01JP5C0D1E2F3G4H5J6K7M8N9P",
	  "type": "licence.points_flagged",
	  "created_at": "2025-03-27T14:48:05Z",
	  "data": {
	    "id": "lc_9Wd4Ez",
	    "driver_name": "Tom Barker",
	    "result": "points",
	    "points": 6,
	    "endorsements": [{"code": "SP30", "points": 3}, {"code": "SP30", "points": 3}],
	    "shift": "early"
	  }
	}`)

	env, err := vehreports.Provider().Decode(body)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(env.Type, env.Time.Format("2006-01-02 15:04"), env.IdempotencyKey)
	if c, ok := vehreports.LicencePointsFlagged.Payload(env); ok {
		fmt.Println(c.DriverName, c.Points, "points,", len(c.Endorsements), "endorsements")
	}

	// An event the package does not know decodes too, with no payload.
	env, err = vehreports.Provider().Decode([]byte(`{"id":"evt_2","event":"driver.archived","data":{}}`))
	fmt.Println(env.Type, env.Known(), err)
	// Output:
	// licence.points_flagged 2025-03-27 14:48 vehreports:evt_01JP5C0D1E2F3G4H5J6K7M8N9P
	// Tom Barker 6 points, 2 endorsements
	// driver.archived false <nil>
}
