package billing

import (
	"context"
	"sync"

	portico "github.com/portico-dev/portico"
)

// Store is what a provider needs Portico to keep: which provider objects
// stand for Portico's customers and subscriptions (both ways, since webhooks
// name the provider's objects), and which webhook events were handled.
// Getters return portico.ErrNotFound when there is no link.
type Store interface {
	// ProviderCustomer returns the provider's customer ID for a Portico
	// customer.
	ProviderCustomer(ctx context.Context, customerID string) (string, error)
	// CustomerOf returns the Portico customer of a provider's customer.
	CustomerOf(ctx context.Context, providerCustomerID string) (string, error)
	// LinkCustomer records that the provider's customer stands for the
	// Portico customer, replacing an earlier link.
	LinkCustomer(ctx context.Context, customerID, providerCustomerID string) error

	// ProviderSubscription returns the provider's subscription ID for a
	// Portico subscription.
	ProviderSubscription(ctx context.Context, subscriptionID string) (string, error)
	// SubscriptionOf returns the Portico subscription of a provider's one.
	SubscriptionOf(ctx context.Context, providerSubscriptionID string) (string, error)
	// LinkSubscription records that the provider's subscription mirrors the
	// Portico one, replacing an earlier link (a subscription that ended at
	// the provider and was started anew).
	LinkSubscription(ctx context.Context, subscriptionID, providerSubscriptionID string) error

	// RecordEvent records a webhook event ID and reports whether it was new;
	// concurrent calls with one ID see exactly one true.
	RecordEvent(ctx context.Context, eventID string) (bool, error)
	// ForgetEvent removes a recorded event ID, so that the provider's next
	// delivery of an event whose handling failed is handled again.
	ForgetEvent(ctx context.Context, eventID string) error
}

// MemoryStore is a Store in memory, for tests and single-process demos.
type MemoryStore struct {
	mu        sync.Mutex
	customers biMap
	subs      biMap
	events    map[string]bool
	reports   map[string]*memReport
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{customers: newBiMap(), subs: newBiMap(), events: map[string]bool{}, reports: map[string]*memReport{}}
}

// ProviderCustomer implements Store.
func (m *MemoryStore) ProviderCustomer(_ context.Context, customerID string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.customers.get(customerID)
}

// CustomerOf implements Store.
func (m *MemoryStore) CustomerOf(_ context.Context, providerCustomerID string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.customers.reverse(providerCustomerID)
}

// LinkCustomer implements Store.
func (m *MemoryStore) LinkCustomer(_ context.Context, customerID, providerCustomerID string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.customers.set(customerID, providerCustomerID)
	return nil
}

// ProviderSubscription implements Store.
func (m *MemoryStore) ProviderSubscription(_ context.Context, subscriptionID string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.subs.get(subscriptionID)
}

// SubscriptionOf implements Store.
func (m *MemoryStore) SubscriptionOf(_ context.Context, providerSubscriptionID string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.subs.reverse(providerSubscriptionID)
}

// LinkSubscription implements Store.
func (m *MemoryStore) LinkSubscription(_ context.Context, subscriptionID, providerSubscriptionID string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.subs.set(subscriptionID, providerSubscriptionID)
	return nil
}

// RecordEvent implements Store.
func (m *MemoryStore) RecordEvent(_ context.Context, eventID string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.events[eventID] {
		return false, nil
	}
	m.events[eventID] = true
	return true, nil
}

// ForgetEvent implements Store.
func (m *MemoryStore) ForgetEvent(_ context.Context, eventID string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.events, eventID)
	return nil
}

// biMap is a one-to-one map kept in both directions.
type biMap struct {
	fwd, rev map[string]string
}

func newBiMap() biMap { return biMap{fwd: map[string]string{}, rev: map[string]string{}} }

func (b biMap) get(k string) (string, error) {
	if v, ok := b.fwd[k]; ok {
		return v, nil
	}
	return "", portico.ErrNotFound
}

func (b biMap) reverse(v string) (string, error) {
	if k, ok := b.rev[v]; ok {
		return k, nil
	}
	return "", portico.ErrNotFound
}

func (b biMap) set(k, v string) {
	if old, ok := b.fwd[k]; ok {
		delete(b.rev, old)
	}
	if oldK, ok := b.rev[v]; ok {
		delete(b.fwd, oldK)
	}
	b.fwd[k] = v
	b.rev[v] = k
}
