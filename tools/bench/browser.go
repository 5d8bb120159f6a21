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

// browserRun is the medians of several loads of the portal page and of a
// static page with one stylesheet (the floor of this browser on this
// machine). Cold is a first visit: a new browser context (its own empty
// HTTP cache, code cache, service workers and storage) in a browser that is
// already running, as a visitor's is. Warm is the same context after a
// first visit. Started is a first visit in a browser started for it: it
// adds the browser's own start-up (its font configuration, network service
// and GPU process warming up) and is reported beside the budgets.
type browserRun struct {
	Runs, StartedRuns    int
	Cold, Warm, Started  pageTimes
	FloorFCP, FloorStart float64
}

// measureBrowser loads the portal page at url, and the floor page at floor,
// runs times each way.
func measureBrowser(ctx context.Context, chromium, url, floor string, runs int) (browserRun, error) {
	// A browser started for each load takes seconds: fewer of those.
	out := browserRun{Runs: runs, StartedRuns: max(5, runs/2)}
	var cold, warm, started []pageTimes
	var floorCold, floorStarted []float64
	err := inRunningBrowser(ctx, chromium, func(browser context.Context) error {
		var err error
		cold, floorCold, err = firstVisits(runs, url, floor, func(fn func(context.Context) (pageTimes, error)) (pageTimes, error) {
			return inNewBrowserContext(browser, fn)
		})
		if err != nil {
			return err
		}
		_, err = inNewBrowserContext(browser, func(tab context.Context) (pageTimes, error) {
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
			return fmt.Errorf("warm load: %w", err)
		}
		return nil
	})
	if err != nil {
		return out, err
	}
	started, floorStarted, err = firstVisits(out.StartedRuns, url, floor, func(fn func(context.Context) (pageTimes, error)) (pageTimes, error) {
		return inFreshBrowser(ctx, chromium, fn)
	})
	if err != nil {
		return out, fmt.Errorf("in a started browser: %w", err)
	}
	out.Cold, out.Warm, out.Started = medianTimes(cold), medianTimes(warm), medianTimes(started)
	out.FloorFCP, out.FloorStart = median(floorCold), median(floorStarted)
	return out, nil
}

// firstVisits loads the portal page at url and the floor page n times
// each, every load in a tab of its own that visit opens: a new browser
// context, or a browser started for it.
func firstVisits(n int, url, floor string, visit func(func(context.Context) (pageTimes, error)) (pageTimes, error)) (portal []pageTimes, floorFCP []float64, err error) {
	for range n {
		t, err := visit(func(tab context.Context) (pageTimes, error) { return loadOnce(tab, url) })
		if err != nil {
			return nil, nil, fmt.Errorf("cold load: %w", err)
		}
		portal = append(portal, t)
		if t, err = visit(func(tab context.Context) (pageTimes, error) { return paintOnce(tab, floor) }); err != nil {
			return nil, nil, fmt.Errorf("floor page: %w", err)
		}
		floorFCP = append(floorFCP, t.FCP)
	}
	return portal, floorFCP, nil
}

// paintOnce navigates and waits for the first contentful paint.
func paintOnce(tab context.Context, url string) (pageTimes, error) {
	c, cancel := context.WithTimeout(tab, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(c, chromedp.Navigate(url)); err != nil {
		return pageTimes{}, err
	}
	fcp, err := chromedp.Run(c, chromedp.Poll[float64](`(() => { const p = performance.getEntriesByName("first-contentful-paint")[0];
  return p ? p.startTime : null; })()`, chromedp.WithPollingInterval(20*time.Millisecond)))
	return pageTimes{FCP: fcp}, err
}

// settle is the pause before each load: the previous page's processes are
// still exiting when their context is cancelled, and on two cores their
// teardown would land in the next load.
const settle = 500 * time.Millisecond

// inRunningBrowser starts a browser, has it render a page, and runs fn
// with it.
func inRunningBrowser(ctx context.Context, chromium string, fn func(browser context.Context) error) error {
	actx, cancel := headless.Allocator(ctx, chromium)
	defer cancel()
	browser, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	if err := chromedp.Do(browser, chromedp.Navigate("data:text/html,<p>Ready.</p>")); err != nil {
		return err
	}
	return fn(browser)
}

// inNewBrowserContext runs fn in a tab of a new browser context.
func inNewBrowserContext(browser context.Context, fn func(context.Context) (pageTimes, error)) (pageTimes, error) {
	time.Sleep(settle)
	tab, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	defer cancel()
	return inTab(tab, fn)
}

// inFreshBrowser runs fn in the first tab of a browser started for it.
func inFreshBrowser(ctx context.Context, chromium string, fn func(context.Context) (pageTimes, error)) (pageTimes, error) {
	time.Sleep(settle)
	actx, cancel := headless.Allocator(ctx, chromium)
	defer cancel()
	tab, cancelTab := chromedp.NewContext(actx)
	defer cancelTab()
	return inTab(tab, fn)
}

// inTab runs fn in tab with the viewport every load is measured in.
func inTab(tab context.Context, fn func(context.Context) (pageTimes, error)) (pageTimes, error) {
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
