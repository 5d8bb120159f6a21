package sqlite

// snapshotDict is what snapshot bodies are deflated against: the keys and
// common values of a portal view (farther back, as they are fewer) and of
// entitlements (nearest, as they are most of what is read). Bodies kept
// with dictMark can only be read with these exact bytes: a better
// dictionary needs a mark of its own, with this one kept for the bodies
// written before it.
const snapshotDict = `{"customer":{"id":"","name":"","email":"@example.com"},` +
	`"subscriptions":[{"id":"sub_","productId":"","productName":"","resourceId":"","plan":{"id":"","name":""},` +
	`"status":"trialing","pricing":"free","billingPeriod":"yearly","price":{"amount":0,"currency":"eur"},` +
	`"addons":[{"id":"","name":"","quantity":1,"price":{"amount":0,"currency":"usd"}}],` +
	`"scheduledUpdates":[{"effectiveAt":"","change":"downgrade","targetPlanId":"","targetPlanName":"","targetBillingPeriod":"monthly","targetAddons":[]}],` +
	`"status":"active","pricing":"paid","billingPeriod":"monthly","price":{"amount":0,"currency":"usd"},"total":{"amount":0,"currency":"usd"},"addons":[],` +
	`"trialEndsAt":null,"currentPeriodStart":"2026-","currentPeriodEnd":"2026-","cancelAt":null,"endedAt":null,"scheduledUpdates":[]}],` +
	`"promotions":[{"id":"","productId":"","name":"","description":"","expiresAt":null}],"promotions":[],` +
	`"billing":{"connected":false,"provider":"stripe","connected":true,"provider":"local","name":"","email":"",` +
	`"paymentMethod":{"brand":"visa","last4":"4242","expMonth":12,"expYear":20}},` +
	`"invoices":[{"id":"in_","number":"","status":"open","status":"paid","total":0,"currency":"usd","created":"2026-","description":" (monthly)","hostedUrl":"","pdfUrl":""}],` +
	`"nextBill":{"amount":0,"currency":"usd","date":"2026-"},"credit":{"amount":0,"currency":"usd"},` +
	`"scope":{"customerId":"","resourceId":""},"now":"0001-01-01T00:00:00Z","pastDue":true,"pastDue":false}` +
	`[{"featureId":"","featureName":"","type":"boolean","hasAccess":false,"limit":0,"unlimited":true,"usage":0,"source":"addon"},` +
	`{"featureId":"","featureName":"","type":"metered","unit":"","hasAccess":true,"limit":0,"unlimited":false,"usage":0,"resetAt":"2026-","source":"plan"},` +
	`{"featureId":"","featureName":"","type":"numeric","unit":"","hasAccess":true,"limit":0,"unlimited":false,"usage":0,"source":"plan"}]`
