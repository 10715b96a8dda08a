package vehreports_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/inspecthook/inspecthook/events"
	"github.com/inspecthook/inspecthook/events/eventstest"
	"github.com/inspecthook/inspecthook/events/vehreports"
)

func TestProvider(t *testing.T) {
	p := vehreports.Provider()
	assert.Equal(t, "vehreports", p.Name())
	assert.Equal(t, []string{
		"agreement.closed", "agreement.return_due", "agreement.signed",
		"credits.expiring", "credits.low", "credits.purchased",
		"customer.created",
		"inspection.verdict_flagged",
		"licence.checked", "licence.failed", "licence.points_flagged",
		"payment.failed", "payment.succeeded",
		"report.completed",
		"subscription.cancelled",
		"vehicle.created", "vehicle.updated",
	}, p.EventTypes(), "the 17 events vehReports' webhooks guide lists")
}

// TestEnvelope checks the envelope of every event and variant fixture.
func TestEnvelope(t *testing.T) {
	tests := []struct {
		file string
		id   string
		typ  string
		time events.Time
	}{
		{"report_completed.json", "evt_01JP3Y6K2M8V4T7QX9R5B1N0CD", "report.completed", at("2025-03-14T09:42:17Z", 2025, 3, 14, 9, 42, 17, 0)},
		{"inspection_verdict_flagged.json", "evt_01JP4C2T8WQ1M5R3N7K9V0B6XH", "inspection.verdict_flagged", at("2025-03-21T16:05:44Z", 2025, 3, 21, 16, 5, 44, 0)},
		{"agreement_signed.json", "evt_01JP3XZ0D4F6H8J0K2M4N6P8QR", "agreement.signed", at("2025-03-14T09:55:02Z", 2025, 3, 14, 9, 55, 2, 0)},
		{"agreement_return_due.json", "evt_01JP4A0B1C2D3E4F5G6H7J8K9M", "agreement.return_due", at("2025-03-21T08:00:00Z", 2025, 3, 21, 8, 0, 0, 0)},
		{"agreement_closed.json", "evt_01JP4D5E6F7G8H9J0K1M2N3P4Q", "agreement.closed", at("2025-03-21T16:20:13Z", 2025, 3, 21, 16, 20, 13, 0)},
		{"licence_checked.json", "evt_01JP3XQ1R2S3T4V5W6X7Y8Z9A0", "licence.checked", at("2025-03-14T09:30:26Z", 2025, 3, 14, 9, 30, 26, 0)},
		{"licence_failed.json", "evt_01JP5B7C8D9E0F1G2H3J4K5M6N", "licence.failed", at("2025-03-27T11:12:40Z", 2025, 3, 27, 11, 12, 40, 0)},
		{"licence_points_flagged.json", "evt_01JP5C0D1E2F3G4H5J6K7M8N9P", "licence.points_flagged", at("2025-03-27T14:48:05Z", 2025, 3, 27, 14, 48, 5, 0)},
		{"vehicle_created.json", "evt_01JP2M3N4P5Q6R7S8T9V0W1X2Y", "vehicle.created", at("2025-03-10T13:02:55Z", 2025, 3, 10, 13, 2, 55, 0)},
		{"vehicle_updated.json", "evt_01JP4E7F8G9H0J1K2M3N4P5Q6R", "vehicle.updated", at("2025-03-21T16:20:14Z", 2025, 3, 21, 16, 20, 14, 0)},
		{"customer_created.json", "evt_01JP3X0A1B2C3D4E5F6G7H8J9K", "customer.created", at("2025-03-14T09:12:08Z", 2025, 3, 14, 9, 12, 8, 0)},
		{"credits_purchased.json", "evt_01JP1A2B3C4D5E6F7G8H9J0K1M", "credits.purchased", at("2025-03-03T10:20:31Z", 2025, 3, 3, 10, 20, 31, 0)},
		{"credits_low.json", "evt_01JP6F1G2H3J4K5M6N7P8Q9R0S", "credits.low", at("2025-04-02T15:37:50Z", 2025, 4, 2, 15, 37, 50, 0)},
		{"credits_expiring.json", "evt_01JP7G3H4J5K6M7N8P9Q0R1S2T", "credits.expiring", at("2025-04-05T07:00:00Z", 2025, 4, 5, 7, 0, 0, 0)},
		{"payment_succeeded.json", "evt_01JP1A1Z9Y8X7W6V5T4S3R2Q1P", "payment.succeeded", at("2025-03-03T10:20:30Z", 2025, 3, 3, 10, 20, 30, 0)},
		{"payment_failed.json", "evt_01JP8H5J6K7M8N9P0Q1R2S3T4V", "payment.failed", at("2025-04-07T09:01:12Z", 2025, 4, 7, 9, 1, 12, 0)},
		{"subscription_cancelled.json", "evt_01JP9J7K8M9N0P1Q2R3S4T5V6W", "subscription.cancelled", at("2025-04-10T17:45:03Z", 2025, 4, 10, 17, 45, 3, 0)},

		// Variants: other envelope spellings and styles.
		{"variant_event_field_timestamp.json", "evt_01JP3XZ0D4F6H8J0K2M4N6P8QS", "agreement.signed", at("2025-03-14T09:55:02.481Z", 2025, 3, 14, 9, 55, 2, 481000000)},
		{"variant_event_field_occurred_at.json", "evt_01JP3Y6K2M8V4T7QX9R5B1N0CE", "report.completed", at("2025-03-14-09:42:17Z", 2025, 3, 14, 9, 42, 17, 0)},
		{"variant_numeric_ids.json", "98765432109876543210", "report.completed", at("1741945337", 2025, 3, 14, 9, 42, 17, 0)},
		{"variant_string_numbers.json", "1000457", "payment.succeeded", at("2025-03-03T10:20:30.000000Z", 2025, 3, 3, 10, 20, 30, 0)},
		{"variant_time_styles.json", "evt_01JP5C0D1E2F3G4H5J6K7M8N9Q", "licence.points_flagged", at("2025-03-27", 2025, 3, 27, 0, 0, 0, 0)},
		{"variant_nulls.json", "evt_01JP4D5E6F7G8H9J0K1M2N3P4R", "agreement.closed", at("2025-03-21T16:20:13Z", 2025, 3, 21, 16, 20, 13, 0)},
		{"variant_empty_arrays.json", "evt_01JP4C2T8WQ1M5R3N7K9V0B6XJ", "inspection.verdict_flagged", at("2025-03-21T16:05:44Z", 2025, 3, 21, 16, 5, 44, 0)},
		{"variant_reason_objects.json", "evt_01JP4C2T8WQ1M5R3N7K9V0B6XK", "inspection.verdict_flagged", at("2025-03-21T16:05:44Z", 2025, 3, 21, 16, 5, 44, 0)},
		{"variant_extra_fields.json", "evt_01JP6F1G2H3J4K5M6N7P8Q9R0T", "credits.low", at("2025-04-02T15:37:50Z", 2025, 4, 2, 15, 37, 50, 0)},
		{"variant_non_ascii.json", "evt_01JP3X0A1B2C3D4E5F6G7H8J9L", "customer.created", at("2025-03-14T09:12:08Z", 2025, 3, 14, 9, 12, 8, 0)},
		{"variant_no_data.json", "evt_01JP6F1G2H3J4K5M6N7P8Q9R0V", "credits.low", at("2025-04-02T15:37:50Z", 2025, 4, 2, 15, 37, 50, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			body := fixture(t, tt.file)
			env, err := vehreports.Provider().Decode(body)
			require.NoError(t, err)
			assert.Equal(t, vehreports.Name, env.Provider)
			assert.Equal(t, vehreports.Version, env.Version)
			assert.Equal(t, tt.id, env.ID)
			assert.Equal(t, tt.typ, env.Type)
			assert.Equal(t, []string{tt.typ}, env.Types)
			assert.Equal(t, tt.time.Raw, env.Time.Raw)
			assert.True(t, tt.time.Time.Equal(env.Time.Time), "time %v, want %v", env.Time.Time, tt.time.Time)
			assert.Equal(t, "vehreports:"+tt.id, env.IdempotencyKey)
			assert.Equal(t, body, env.Raw)
			assert.True(t, env.Known())
		})
	}
}

// golden decodes a fixture and checks its payload against want, field by field, and that the
// payload's Data is the data object exactly as sent.
func golden[T any](t *testing.T, event events.Event[T], file string, want *T) *T {
	t.Helper()
	body := fixture(t, file)
	env, err := vehreports.Provider().Decode(body)
	require.NoError(t, err)
	got, ok := event.Payload(env)
	require.True(t, ok, "payload of %s", event)
	gotData := reflect.ValueOf(got).Elem().FieldByName("Data").Bytes()
	assert.Equal(t, string(dataOf(t, body)), string(gotData), "Data")

	// Compare a second decoding, so that the payload returned keeps its nested Data.
	again, err := vehreports.Provider().Decode(body)
	require.NoError(t, err)
	normalized, _ := event.Payload(again)
	normalize(reflect.ValueOf(normalized))
	normalize(reflect.ValueOf(want))
	assert.Equal(t, want, normalized)
	return got
}

func van() *vehreports.Vehicle {
	return &vehreports.Vehicle{
		ID: "veh_3Kp8Wd", Registration: "LB21 XKT", Make: "Ford", Model: "Transit Custom",
		Colour: "Frozen White", VIN: "WF0YXXTTGYLA12345", Year: num("2021"), Mileage: num("48213"),
	}
}

func oconnor() *vehreports.Customer {
	return &vehreports.Customer{
		ID: "cus_4Vb7Nc", Name: "Daniel O'Connor", Email: "daniel.oconnor@example.co.uk", Phone: "+44 7700 900123",
	}
}

func priya() *vehreports.User {
	return &vehreports.User{ID: "usr_19", Name: "Priya Shah", Email: "priya.shah@example.co.uk"}
}

func TestGolden(t *testing.T) {
	tests := []struct {
		file  string
		check func(t *testing.T, file string)
	}{
		{"report_completed.json", func(t *testing.T, file string) {
			got := golden(t, vehreports.ReportCompleted, file, &vehreports.Report{
				ID: "rpt_7Hq2LmX9", Reference: "VR-2025-004127", Direction: "outbound", Status: "completed",
				Vehicle: van(), Registration: "LB21 XKT",
				Template:    &vehreports.Template{ID: "tpl_van_handover", Name: "Van handover"},
				AgreementID: "agr_5Tn1Qe", Mileage: num("48213"), FuelLevel: str("3/4"), DamageCount: num("2"),
				Verdict:     "pass",
				SignedOffAt: at("2025-03-14T09:41:58Z", 2025, 3, 14, 9, 41, 58, 0),
				SignedOffBy: priya(),
				URL:         "https://app.vehreports.com/reports/rpt_7Hq2LmX9",
				PDFURL:      "https://app.vehreports.com/reports/rpt_7Hq2LmX9.pdf",
			})
			assert.JSONEq(t, `{"id": "veh_3Kp8Wd", "registration": "LB21 XKT", "make": "Ford", "model": "Transit Custom",
				"colour": "Frozen White", "vin": "WF0YXXTTGYLA12345", "year": 2021, "mileage": 48213}`,
				string(got.Vehicle.Data), "a nested vehicle keeps its JSON too")
		}},
		{"inspection_verdict_flagged.json", func(t *testing.T, file string) {
			golden(t, vehreports.InspectionVerdictFlagged, file, &vehreports.Verdict{
				ReportID: "rpt_8Jr3MnY0", Verdict: "concerns",
				Reasons:   []events.Value{str("new_damage_over_threshold"), str("refuel_required")},
				Direction: "inbound", Vehicle: van(),
				Template:  &vehreports.Template{ID: "tpl_van_return", Name: "Van return"},
				FlaggedAt: at("2025-03-21T16:05:41Z", 2025, 3, 21, 16, 5, 41, 0),
				URL:       "https://app.vehreports.com/reports/rpt_8Jr3MnY0",
			})
		}},
		{"agreement_signed.json", func(t *testing.T, file string) {
			golden(t, vehreports.AgreementSigned, file, &vehreports.Agreement{
				ID: "agr_5Tn1Qe", Reference: "RA-10482", Status: "signed", Vehicle: van(), Customer: oconnor(),
				StartsAt:         at("2025-03-14T10:00:00Z", 2025, 3, 14, 10, 0, 0, 0),
				ReturnDueAt:      at("2025-03-21T17:00:00Z", 2025, 3, 21, 17, 0, 0, 0),
				SignedAt:         at("2025-03-14T09:54:51Z", 2025, 3, 14, 9, 54, 51, 0),
				HandoverReportID: "rpt_7Hq2LmX9",
				URL:              "https://app.vehreports.com/agreements/agr_5Tn1Qe",
			})
		}},
		{"agreement_return_due.json", func(t *testing.T, file string) {
			golden(t, vehreports.AgreementReturnDue, file, &vehreports.Agreement{
				ID: "agr_5Tn1Qe", Reference: "RA-10482", Status: "active", Vehicle: van(), Customer: oconnor(),
				StartsAt:         at("2025-03-14T10:00:00Z", 2025, 3, 14, 10, 0, 0, 0),
				ReturnDueAt:      at("2025-03-21T17:00:00Z", 2025, 3, 21, 17, 0, 0, 0),
				SignedAt:         at("2025-03-14T09:54:51Z", 2025, 3, 14, 9, 54, 51, 0),
				HandoverReportID: "rpt_7Hq2LmX9",
				URL:              "https://app.vehreports.com/agreements/agr_5Tn1Qe",
			})
		}},
		{"agreement_closed.json", func(t *testing.T, file string) {
			golden(t, vehreports.AgreementClosed, file, &vehreports.Agreement{
				ID: "agr_5Tn1Qe", Reference: "RA-10482", Status: "closed", Vehicle: van(), Customer: oconnor(),
				StartsAt:         at("2025-03-14T10:00:00Z", 2025, 3, 14, 10, 0, 0, 0),
				ReturnDueAt:      at("2025-03-21T17:00:00Z", 2025, 3, 21, 17, 0, 0, 0),
				SignedAt:         at("2025-03-14T09:54:51Z", 2025, 3, 14, 9, 54, 51, 0),
				ClosedAt:         at("2025-03-21T16:20:09Z", 2025, 3, 21, 16, 20, 9, 0),
				HandoverReportID: "rpt_7Hq2LmX9", ReturnReportID: "rpt_8Jr3MnY0",
				URL: "https://app.vehreports.com/agreements/agr_5Tn1Qe",
			})
		}},
		{"licence_checked.json", func(t *testing.T, file string) {
			golden(t, vehreports.LicenceChecked, file, &vehreports.LicenceCheck{
				ID: "lc_2Fg6Hj", CustomerID: "cus_4Vb7Nc", AgreementID: "agr_5Tn1Qe",
				DriverName: "Daniel O'Connor", LicenceNumber: "OCONN*******9DA", Result: "clear",
				Points: num("0"), Endorsements: []vehreports.Endorsement{},
				Categories: []string{"AM", "B", "BE", "F", "K"},
				CheckedAt:  at("2025-03-14T09:30:22Z", 2025, 3, 14, 9, 30, 22, 0),
				CheckedBy:  priya(),
			})
		}},
		{"licence_failed.json", func(t *testing.T, file string) {
			golden(t, vehreports.LicenceFailed, file, &vehreports.LicenceCheck{
				ID: "lc_7Kp3Ws", CustomerID: "cus_8Rt2Yx", DriverName: "Megan Hughes",
				LicenceNumber: "HUGHE*******2MH", Result: "failed",
				FailureReason: "Driver details did not match DVLA records",
				CheckedAt:     at("2025-03-27T11:12:37Z", 2025, 3, 27, 11, 12, 37, 0),
				CheckedBy:     priya(),
			})
		}},
		{"licence_points_flagged.json", func(t *testing.T, file string) {
			golden(t, vehreports.LicencePointsFlagged, file, &vehreports.LicenceCheck{
				ID: "lc_9Wd4Ez", CustomerID: "cus_3Nm6Qa", AgreementID: "agr_7Yu2Io",
				DriverName: "Tom Barker", LicenceNumber: "BARKE*******1TB", Result: "points", Points: num("6"),
				Endorsements: []vehreports.Endorsement{
					{Code: "SP30", Points: num("3"), OffenceDate: at("2023-06-14", 2023, 6, 14, 0, 0, 0, 0), ExpiresAt: at("2027-06-14", 2027, 6, 14, 0, 0, 0, 0)},
					{Code: "SP30", Points: num("3"), OffenceDate: at("2024-11-02", 2024, 11, 2, 0, 0, 0, 0), ExpiresAt: at("2028-11-02", 2028, 11, 2, 0, 0, 0, 0)},
				},
				Categories: []string{"B"},
				CheckedAt:  at("2025-03-27T14:48:01Z", 2025, 3, 27, 14, 48, 1, 0),
				CheckedBy:  priya(),
			})
		}},
		{"vehicle_created.json", func(t *testing.T, file string) {
			golden(t, vehreports.VehicleCreated, file, &vehreports.Vehicle{
				ID: "veh_9Qz2Lr", Registration: "YK70 RHA", VIN: "W0VZCHNF8L1234567", Make: "Vauxhall",
				Model: "Corsa", Colour: "Quartz Grey", Year: num("2020"), FuelType: "petrol", Mileage: num("31877"),
				Status:    "available",
				CreatedAt: at("2025-03-10T13:02:54Z", 2025, 3, 10, 13, 2, 54, 0),
				UpdatedAt: at("2025-03-10T13:02:54Z", 2025, 3, 10, 13, 2, 54, 0),
			})
		}},
		{"vehicle_updated.json", func(t *testing.T, file string) {
			body := fixture(t, file)
			env, err := vehreports.Provider().Decode(body)
			require.NoError(t, err)
			v, ok := vehreports.VehicleUpdated.Payload(env)
			require.True(t, ok)
			assert.JSONEq(t, `{"mileage": {"from": 48213, "to": 49102}, "status": {"from": "on_hire", "to": "available"}}`, string(v.Changes))
			golden(t, vehreports.VehicleUpdated, file, &vehreports.Vehicle{
				ID: "veh_3Kp8Wd", Registration: "LB21 XKT", VIN: "WF0YXXTTGYLA12345", Make: "Ford",
				Model: "Transit Custom", Colour: "Frozen White", Year: num("2021"), FuelType: "diesel",
				Mileage: num("49102"), Status: "available", Changes: v.Changes,
				CreatedAt: at("2024-05-02T08:15:00Z", 2024, 5, 2, 8, 15, 0, 0),
				UpdatedAt: at("2025-03-21T16:20:12Z", 2025, 3, 21, 16, 20, 12, 0),
			})
		}},
		{"customer_created.json", func(t *testing.T, file string) {
			golden(t, vehreports.CustomerCreated, file, &vehreports.Customer{
				ID: "cus_4Vb7Nc", Name: "Daniel O'Connor", Email: "daniel.oconnor@example.co.uk",
				Phone: "+44 7700 900123", CompanyName: "O'Connor Joinery Ltd", Type: "business",
				CreatedAt: at("2025-03-14T09:12:07Z", 2025, 3, 14, 9, 12, 7, 0),
			})
		}},
		{"credits_purchased.json", func(t *testing.T, file string) {
			golden(t, vehreports.CreditsPurchased, file, &vehreports.Credits{
				Balance: num("262"), Purchased: num("250"), PaymentID: "pay_3Lk9Df",
			})
		}},
		{"credits_low.json", func(t *testing.T, file string) {
			golden(t, vehreports.CreditsLow, file, &vehreports.Credits{Balance: num("9"), Threshold: num("10")})
		}},
		{"credits_expiring.json", func(t *testing.T, file string) {
			golden(t, vehreports.CreditsExpiring, file, &vehreports.Credits{
				Balance: num("140"), Expiring: num("40"),
				ExpiringAt: at("2025-05-05T00:00:00Z", 2025, 5, 5, 0, 0, 0, 0),
			})
		}},
		{"payment_succeeded.json", func(t *testing.T, file string) {
			got := golden(t, vehreports.PaymentSucceeded, file, &vehreports.Payment{
				ID: "pay_3Lk9Df", Amount: num("29900"), Currency: "GBP", Status: "succeeded",
				Description: "250 credits", Credits: num("250"), InvoiceID: "inv_2025_0311",
				CreatedAt: at("2025-03-03T10:20:27Z", 2025, 3, 3, 10, 20, 27, 0),
				PaidAt:    at("2025-03-03T10:20:29Z", 2025, 3, 3, 10, 20, 29, 0),
			})
			amount, ok := got.AmountMinor()
			assert.True(t, ok)
			assert.Equal(t, int64(29900), amount)
		}},
		{"payment_failed.json", func(t *testing.T, file string) {
			golden(t, vehreports.PaymentFailed, file, &vehreports.Payment{
				ID: "pay_8Xc4Vb", Amount: num("4900"), Currency: "GBP", Status: "failed",
				Description: "Fleet Pro (monthly)", InvoiceID: "inv_2025_0407",
				FailureCode: "card_declined", FailureReason: "Your card was declined.",
				CreatedAt: at("2025-04-07T09:01:09Z", 2025, 4, 7, 9, 1, 9, 0),
				FailedAt:  at("2025-04-07T09:01:11Z", 2025, 4, 7, 9, 1, 11, 0),
			})
		}},
		{"subscription_cancelled.json", func(t *testing.T, file string) {
			golden(t, vehreports.SubscriptionCancelled, file, &vehreports.Subscription{
				ID: "sub_6Ty1Uo", Plan: "Fleet Pro (monthly)", Status: "cancelled",
				CancelledAt: at("2025-04-10T17:45:01Z", 2025, 4, 10, 17, 45, 1, 0),
				EndsAt:      at("2025-05-07T00:00:00Z", 2025, 5, 7, 0, 0, 0, 0),
				Reason:      "Moving to annual billing", CancelledBy: priya(),
			})
		}},

		// Variants.
		{"variant_event_field_timestamp.json", func(t *testing.T, file string) {
			golden(t, vehreports.AgreementSigned, file, &vehreports.Agreement{
				ID: "agr_6Yp2Rf", Reference: "10483", Status: "signed",
				Vehicle: &vehreports.Vehicle{
					ID: "veh_9Qz2Lr", Registration: "YK70 RHA", Make: "Vauxhall", Model: "Corsa",
					Colour: "Quartz Grey", Year: num("2020"),
				},
				Customer:    oconnor(),
				StartsAt:    at("2025-03-15T08:30:00Z", 2025, 3, 15, 8, 30, 0, 0),
				ReturnDueAt: at("2025-03-16T18:00:00Z", 2025, 3, 16, 18, 0, 0, 0),
				SignedAt:    at("2025-03-14T09:54:59.120Z", 2025, 3, 14, 9, 54, 59, 120000000),
			})
		}},
		{"variant_event_field_occurred_at.json", func(t *testing.T, file string) {
			golden(t, vehreports.ReportCompleted, file, &vehreports.Report{
				ID: "rpt_7Hq2LmXA", Registration: "YK70 RHA",
				SignedOffAt: at("2025-03-14T10:42:17+01:00", 2025, 3, 14, 9, 42, 17, 0),
			})
		}},
		{"variant_numeric_ids.json", func(t *testing.T, file string) {
			got := golden(t, vehreports.ReportCompleted, file, &vehreports.Report{
				ID: "418827", Reference: "4127",
				Vehicle:     &vehreports.Vehicle{ID: "2291"},
				Template:    &vehreports.Template{ID: "17"},
				AgreementID: "55012",
				SignedOffBy: &vehreports.User{ID: "19"},
				SignedOffAt: at("1741945318", 2025, 3, 14, 9, 41, 58, 0),
				Mileage:     str("48213"),
			})
			assert.Equal(t, "2291", string(got.Vehicle.Data), "a bare id is kept as sent")
		}},
		{"variant_string_numbers.json", func(t *testing.T, file string) {
			got := golden(t, vehreports.PaymentSucceeded, file, &vehreports.Payment{
				ID: "771204", Amount: str("29900"), Currency: "GBP", Status: "succeeded",
				Credits: str("250"), InvoiceID: "20250311",
				PaidAt: at("2025-03-03 10:20:29", 2025, 3, 3, 10, 20, 29, 0),
			})
			amount, ok := got.AmountMinor()
			assert.True(t, ok, "a string amount reads as minor units too")
			assert.Equal(t, int64(29900), amount)
		}},
		{"variant_time_styles.json", func(t *testing.T, file string) {
			golden(t, vehreports.LicencePointsFlagged, file, &vehreports.LicenceCheck{
				ID: "lc_9Wd4Ea", Result: "points", Points: str("3"),
				Endorsements: []vehreports.Endorsement{
					{Code: "SP30", Points: num("3"), OffenceDate: at("2024-10-09-19:00:00Z", 2024, 10, 9, 19, 0, 0, 0)},
					{
						Code: "CU80", Points: str("3"),
						OffenceDate: at("2024-11-02T08:15:00", 2024, 11, 2, 8, 15, 0, 0),
						ExpiresAt:   events.Time{Raw: "next year"}, // unreadable: zero time, text kept
					},
				},
				CheckedAt: at("2025-03-27T14:48:01.5+01:00", 2025, 3, 27, 13, 48, 1, 500000000),
			})
		}},
		{"variant_nulls.json", func(t *testing.T, file string) {
			golden(t, vehreports.AgreementClosed, file, &vehreports.Agreement{
				ID: "agr_5Tn1Qf", Status: "closed",
				ClosedAt: at("2025-03-21T16:20:09Z", 2025, 3, 21, 16, 20, 9, 0),
			})
		}},
		{"variant_empty_arrays.json", func(t *testing.T, file string) {
			golden(t, vehreports.InspectionVerdictFlagged, file, &vehreports.Verdict{
				ReportID: "rpt_8Jr3MnY1", Verdict: "concerns", Reasons: []events.Value{},
				Vehicle: &vehreports.Vehicle{ID: "veh_3Kp8Wd"},
			})
		}},
		{"variant_reason_objects.json", func(t *testing.T, file string) {
			golden(t, vehreports.InspectionVerdictFlagged, file, &vehreports.Verdict{
				ReportID: "rpt_8Jr3MnY2", Verdict: "fail",
				Reasons: []events.Value{
					{Kind: events.Other, Text: `{"rule":"new_damage_over_threshold","threshold":2,"found":3}`},
					str("refuel_required"),
					num("7"),
				},
			})
		}},
		{"variant_extra_fields.json", func(t *testing.T, file string) {
			golden(t, vehreports.CreditsLow, file, &vehreports.Credits{Balance: num("4"), Threshold: num("10")})
		}},
		{"variant_non_ascii.json", func(t *testing.T, file string) {
			golden(t, vehreports.CustomerCreated, file, &vehreports.Customer{
				ID: "cus_5Wc8Od", Name: "Zoë Łukasiewicz-Müller", Email: "zoë@example.pl",
				CompanyName: "Škoda Dílna s.r.o. — 🚐 Vans", Type: "business",
				CreatedAt: at("2025-03-14T09:12:07Z", 2025, 3, 14, 9, 12, 7, 0),
			})
		}},
		{"variant_no_data.json", func(t *testing.T, file string) {
			got := golden(t, vehreports.CreditsLow, file, &vehreports.Credits{})
			assert.Nil(t, got.Data)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) { tt.check(t, tt.file) })
	}
}

func TestEnvelopeShapes(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		wantType string
		wantTime string
	}{
		{"type", `{"id":"e1","type":"credits.low","created_at":"2025-04-02T15:37:50Z","data":{}}`, "credits.low", "2025-04-02T15:37:50Z"},
		{"event", `{"id":"e1","event":"credits.low","timestamp":"2025-04-02T15:37:50Z","data":{}}`, "credits.low", "2025-04-02T15:37:50Z"},
		{"occurred_at", `{"id":"e1","event":"credits.low","occurred_at":"2025-04-02T15:37:50Z","data":{}}`, "credits.low", "2025-04-02T15:37:50Z"},
		{"type before event", `{"id":"e1","type":"credits.low","event":"credits.expiring","data":{}}`, "credits.low", ""},
		{"empty type, event used", `{"id":"e1","type":"","event":"credits.low","data":{}}`, "credits.low", ""},
		{"null type, event used", `{"id":"e1","type":null,"event":"credits.low","data":{}}`, "credits.low", ""},
		{"non-string type, event used", `{"id":"e1","type":2,"event":"credits.low","data":{}}`, "credits.low", ""},
		{"non-string event ignored", `{"id":"e1","type":"credits.low","event":{"name":"x"},"data":{}}`, "credits.low", ""},
		{"created_at first", `{"id":"e1","type":"credits.low","occurred_at":"2025-01-01","timestamp":"2025-01-02","created_at":"2025-01-03"}`, "credits.low", "2025-01-03"},
		{"timestamp before occurred_at", `{"id":"e1","type":"credits.low","occurred_at":"2025-01-01","timestamp":"2025-01-02"}`, "credits.low", "2025-01-02"},
		{"empty created_at skipped", `{"id":"e1","type":"credits.low","created_at":"","occurred_at":"2025-01-01"}`, "credits.low", "2025-01-01"},
		{"no time", `{"id":"e1","type":"credits.low"}`, "credits.low", ""},
		{"time object kept", `{"id":"e1","type":"credits.low","created_at":{"unix":1}}`, "credits.low", `{"unix":1}`},
		{"only type and id", `{"id":"e1","type":"report.completed"}`, "report.completed", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := vehreports.Provider().Decode([]byte(tt.body))
			require.NoError(t, err)
			assert.Equal(t, tt.wantType, env.Type)
			assert.Equal(t, tt.wantTime, env.Time.Raw)
			assert.Equal(t, "e1", env.ID)
			assert.True(t, env.Known())
		})
	}
}

// TestReferences checks that a vehicle, customer, user or template may be an object or a bare id.
func TestReferences(t *testing.T) {
	body := `{"id":"e1","type":"agreement.signed","data":{
		"vehicle":"veh_3Kp8Wd","customer":4411,"id":"agr_1"}}`
	env, err := vehreports.Provider().Decode([]byte(body))
	require.NoError(t, err)
	a, ok := vehreports.AgreementSigned.Payload(env)
	require.True(t, ok)
	assert.Equal(t, events.ID("veh_3Kp8Wd"), a.Vehicle.ID)
	assert.Equal(t, `"veh_3Kp8Wd"`, string(a.Vehicle.Data))
	assert.Empty(t, a.Vehicle.Registration)
	assert.Equal(t, events.ID("4411"), a.Customer.ID)
	assert.Equal(t, `4411`, string(a.Customer.Data))

	body = `{"id":"e2","type":"report.completed","data":{"signed_off_by":"usr_19","template":{"id":17,"name":"Car return"}}}`
	env, err = vehreports.Provider().Decode([]byte(body))
	require.NoError(t, err)
	r, ok := vehreports.ReportCompleted.Payload(env)
	require.True(t, ok)
	assert.Equal(t, &vehreports.User{ID: "usr_19"}, r.SignedOffBy)
	assert.Equal(t, &vehreports.Template{ID: "17", Name: "Car return"}, r.Template)
}

func TestUnknownEvents(t *testing.T) {
	tests := []struct {
		name string
		body string
		typ  string
	}{
		{"fixture", string(fixture(t, "unknown_report_deleted.json")), "report.deleted"},
		{"event field, data array", string(fixture(t, "unknown_driver_created_event_field.json")), "driver.created"},
		{"data string", `{"id":"e1","type":"invoice.created","data":"inv_1"}`, "invoice.created"},
		{"no data", `{"id":"e1","type":"invoice.created"}`, "invoice.created"},
		{"case differs", `{"id":"e1","type":"Report.Completed","data":{}}`, "Report.Completed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := vehreports.Provider().Decode([]byte(tt.body))
			require.NoError(t, err)
			assert.Equal(t, tt.typ, env.Type)
			assert.Nil(t, env.Payload)
			assert.False(t, env.Known())
			assert.Equal(t, []byte(tt.body), env.Raw)
			_, ok := vehreports.ReportCompleted.Payload(env)
			assert.False(t, ok)
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		want   error
		fields []string // for ErrInvalid
	}{
		{name: "empty", body: ``, want: events.ErrNotJSON},
		{name: "syntax", body: `{"id":"e1",`, want: events.ErrNotJSON},
		{name: "invalid UTF-8", body: "{\"id\":\"\xff\"}", want: events.ErrNotJSON},
		{name: "too deep", body: `{"data":` + strings.Repeat(`{"a":`, 80) + `1` + strings.Repeat(`}`, 80) + `}`, want: events.ErrNotJSON},
		{name: "array", body: `[{"id":"e1","type":"credits.low"}]`, want: events.ErrShape},
		{name: "string", body: `"credits.low"`, want: events.ErrShape},
		{name: "empty object", body: `{}`, want: events.ErrShape},
		{name: "all null", body: `{"id":null,"type":null,"event":null,"data":null}`, want: events.ErrShape},
		{name: "other provider", body: `{"messageId":"wh-1","eventCode":"report.created"}`, want: events.ErrShape},
		{name: "type number", body: `{"id":"e1","type":1}`, want: events.ErrShape},
		{name: "event object", body: `{"id":"e1","event":{"type":"credits.low"}}`, want: events.ErrShape},
		{name: "id object", body: `{"id":{},"type":"credits.low"}`, want: events.ErrShape},
		{name: "id array", body: `{"id":[1],"type":"credits.low"}`, want: events.ErrShape},
		{name: "data number", body: `{"id":"e1","type":"credits.low","data":9}`, want: events.ErrShape},
		{name: "data array", body: `{"id":"e1","type":"payment.failed","data":[]}`, want: events.ErrShape},
		{name: "field object", body: `{"id":"e1","type":"payment.failed","data":{"currency":{"code":"GBP"}}}`, want: events.ErrShape},
		{name: "vehicle bool", body: `{"id":"e1","type":"report.completed","data":{"vehicle":true}}`, want: events.ErrShape},
		{name: "vehicle array", body: `{"id":"e1","type":"report.completed","data":{"vehicle":[]}}`, want: events.ErrShape},
		{name: "nested id object", body: `{"id":"e1","type":"report.completed","data":{"vehicle":{"id":{}}}}`, want: events.ErrShape},
		{name: "reasons string", body: `{"id":"e1","type":"inspection.verdict_flagged","data":{"reasons":"x"}}`, want: events.ErrShape},
		{name: "only id", body: `{"id":"e1"}`, want: events.ErrNoType},
		{name: "only data", body: `{"data":{"balance":9}}`, want: events.ErrNoType},
		{name: "type empty", body: `{"id":"e1","type":""}`, want: events.ErrNoType},
		{name: "both empty", body: `{"id":"e1","type":"","event":""}`, want: events.ErrNoType},
		{name: "no id", body: `{"type":"credits.low","data":{"balance":9}}`, want: events.ErrInvalid, fields: []string{"id"}},
		{name: "empty id", body: `{"id":"","type":"credits.low"}`, want: events.ErrInvalid, fields: []string{"id"}},
		{name: "null id", body: `{"id":null,"event":"credits.low"}`, want: events.ErrInvalid, fields: []string{"id"}},
		{name: "no id, unknown type", body: `{"type":"fleet.archived","data":[]}`, want: events.ErrInvalid, fields: []string{"id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, verr := eventstest.Reject(t, vehreports.Provider(), []byte(tt.body), tt.want)
			if verr != nil {
				assert.Equal(t, tt.fields, verr.Fields)
				assert.Equal(t, events.BodyKey(vehreports.Name, []byte(tt.body)), env.IdempotencyKey)
			}
		})
	}
}

func TestMissingIDKeepsPayload(t *testing.T) {
	body := fixture(t, "bad_missing_id.json")
	env, err := vehreports.Provider().Decode(body)
	require.ErrorIs(t, err, events.ErrInvalid)
	require.NotNil(t, env)
	assert.Empty(t, env.ID)
	assert.Equal(t, "payment.failed", env.Type)
	assert.True(t, env.Time.Equal(time.Date(2025, 4, 7, 9, 1, 12, 0, time.UTC)))
	p, ok := vehreports.PaymentFailed.Payload(env)
	require.True(t, ok, "the payload is decoded so the caller can log what arrived")
	assert.Equal(t, events.ID("pay_8Xc4Vb"), p.ID)
}

func TestAmountMinor(t *testing.T) {
	tests := []struct {
		amount string
		want   int64
		ok     bool
	}{
		{`29900`, 29900, true},
		{`"29900"`, 29900, true},
		{`0`, 0, true},
		{`-500`, -500, true},
		{`299.00`, 0, false},
		{`"£299"`, 0, false},
		{`null`, 0, false},
		{`true`, 0, false},
		{`99999999999999999999`, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.amount, func(t *testing.T) {
			body := `{"id":"e1","type":"payment.succeeded","data":{"amount":` + tt.amount + `}}`
			env, err := vehreports.Provider().Decode([]byte(body))
			require.NoError(t, err)
			p, ok := vehreports.PaymentSucceeded.Payload(env)
			require.True(t, ok)
			got, ok := p.AmountMinor()
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestErrorMessages checks the message a sender is answered with, which names the JSON path at
// fault, and that no error quotes the body.
func TestErrorMessages(t *testing.T) {
	tests := map[string]string{
		`{"id":"e1","type":1}`:                                                                 "field type has the wrong JSON type",
		`{"id":"e1","event":{"type":"credits.low"}}`:                                           "field event has the wrong JSON type",
		`{"id":"e1","type":7,"event":"credits.low"}`:                                           "",
		`{"id":{},"type":"credits.low"}`:                                                       "field id has the wrong JSON type",
		`{"id":"e1","type":"credits.low","data":9}`:                                            "field data has the wrong JSON type",
		`{"id":"e1","type":"payment.failed","data":{"currency":{"code":"GBP"}}}`:               "field data.currency has the wrong JSON type",
		`{"id":"e1","type":"report.completed","data":{"vehicle":true}}`:                        "field data.vehicle has the wrong JSON type",
		`{"id":"e1","type":"report.completed","data":{"vehicle":{"id":{}}}}`:                   "field data.vehicle.id has the wrong JSON type",
		`{"id":"e1","type":"inspection.verdict_flagged","data":{"reasons":"refuel_required"}}`: "field data.reasons has the wrong JSON type",
		`{"type":"credits.low"}`:                                                               "required field missing: id",
		`{"id":"e1"}`:                                                                          "no event type in the body",
	}
	for body, want := range tests {
		t.Run(body, func(t *testing.T) {
			_, err := vehreports.Provider().Decode([]byte(body))
			if want == "" {
				require.NoError(t, err, "a string event beside a non-string type")
				return
			}
			require.Error(t, err)
			assert.Equal(t, want, events.Message(err))
		})
	}
}

// TestErrorsQuoteNoBody checks that an event type of the wrong JSON type is named by its field,
// not quoted.
func TestErrorsQuoteNoBody(t *testing.T) {
	secret := "sk_live_" + strings.Repeat("4f9a", 12)
	for _, body := range []string{
		`{"id":"e1","type":{"token":"` + secret + `"}}`,
		`{"id":"e1","type":["` + secret + `"]}`,
		`{"id":"e1","event":{"` + secret + `":1}}`,
		`{"id":"e1","type":"report.completed","data":{"vehicle":["` + secret + `"]}}`,
	} {
		t.Run(body, func(t *testing.T) {
			eventstest.Reject(t, vehreports.Provider(), []byte(body), events.ErrShape)
			_, err := vehreports.Provider().Decode([]byte(body))
			assert.NotContains(t, err.Error(), secret[:12])
			assert.NotContains(t, err.Error(), body[:20])
			assert.NotContains(t, events.Message(err), secret[:12])
		})
	}
}
