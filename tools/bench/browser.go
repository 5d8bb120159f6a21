package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/portico-dev/portico/internal/headless"
	"slices"
	"time"

	"github.com/chromedp/chromedp"
)

// pageTimes is one page load as the browser saw it, in milliseconds from
// the navigation's start.
type pageTimes struct {
	TTFB        float64 `json:"ttfb"` // the page's first byte
	FCP         float64 `json:"fcp"`
	Interactive float64 `json:"interactive"`
}

// browserRun is the medians of several loads, cold and with a warm cache,
// and the cold first paint of a static page with one stylesheet: the
// floor of this browser on this machine.
type browserRun struct {
	Runs       int
	Cold, Warm pageTimes
	FloorFCP   float64
}

// measureBrowser loads a portal page runs times in a fresh browser profile
// (cold: nothing cached) and runs times again after a first load in the
// same profile (warm: app.wasm revalidated, compiled code cached).
func measureBrowser(ctx context.Context, chromium, url string, runs int) (browserRun, error) {
	out := browserRun{Runs: runs}
	var cold, warm []pageTimes
	for range runs {
		t, err := inFreshBrowser(ctx, chromium, func(tab context.Context) (pageTimes, error) { return loadOnce(tab, url) })
		if err != nil {
			return out, fmt.Errorf("cold load: %w", err)
		}
		cold = append(cold, t)
	}
	_, err := inFreshBrowser(ctx, chromium, func(tab context.Context) (pageTimes, error) {
		if _, err := loadOnce(tab, url); err != nil {
			return pageTimes{}, err
		}
		// The code cache is written once the module has run a while.
		time.Sleep(time.Second)
		for range runs {
			t, err := loadOnce(tab, url)
			if err != nil {
				return t, err
			}
			warm = append(warm, t)
		}
		return pageTimes{}, nil
	})
	if err != nil {
		return out, fmt.Errorf("warm load: %w", err)
	}
	out.Cold, out.Warm = medianTimes(cold), medianTimes(warm)
	return out, nil
}

// measureFloor is the median cold first paint of a static page.
func measureFloor(ctx context.Context, chromium, url string, runs int) (float64, error) {
	var fcp []float64
	for range runs {
		_, err := inFreshBrowser(ctx, chromium, func(tab context.Context) (pageTimes, error) {
			c, cancel := context.WithTimeout(tab, 30*time.Second)
			defer cancel()
			if err := chromedp.Do(c, chromedp.Navigate(url)); err != nil {
				return pageTimes{}, err
			}
			v, err := chromedp.Run(c, chromedp.Poll[float64](`(() => { const p = performance.getEntriesByName("first-contentful-paint")[0];
  return p ? p.startTime : null; })()`, chromedp.WithPollingInterval(20*time.Millisecond)))
			fcp = append(fcp, v)
			return pageTimes{}, err
		})
		if err != nil {
			return 0, err
		}
	}
	return median(fcp), nil
}

// settle is the pause before each browser starts: the previous one's
// processes are still exiting when its allocator returns, and on two cores
// their teardown would land in the next cold load.
const settle = 500 * time.Millisecond

func inFreshBrowser(ctx context.Context, chromium string, fn func(context.Context) (pageTimes, error)) (pageTimes, error) {
	time.Sleep(settle)
	actx, cancel := headless.Allocator(ctx, chromium)
	defer cancel()
	tab, cancelTab := chromedp.NewContext(actx)
	defer cancelTab()
	if err := chromedp.Do(tab, chromedp.EmulateViewport(1280, 900)); err != nil {
		return pageTimes{}, err
	}
	return fn(tab)
}

// loadOnce navigates and waits for the portal's interactive mark.
func loadOnce(tab context.Context, url string) (pageTimes, error) {
	ctx, cancel := context.WithTimeout(tab, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return pageTimes{}, err
	}
	t, err := chromedp.Run(ctx, chromedp.Poll[pageTimes](`(() => {
  const m = performance.getEntriesByName("portico-interactive")[0];
  const p = performance.getEntriesByName("first-contentful-paint")[0];
  const n = performance.getEntriesByType("navigation")[0];
  return m && p ? {ttfb: n.responseStart, fcp: p.startTime, interactive: m.startTime} : null; })()`,
		chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(25*time.Second)))
	if err != nil {
		return t, errors.New("the portal did not become interactive: " + err.Error())
	}
	return t, nil
}

func medianTimes(ts []pageTimes) pageTimes {
	var b, f, i []float64
	for _, t := range ts {
		b, f, i = append(b, t.TTFB), append(f, t.FCP), append(i, t.Interactive)
	}
	return pageTimes{TTFB: median(b), FCP: median(f), Interactive: median(i)}
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	slices.Sort(v)
	return v[len(v)/2]
}
