/**
 * The fleet overview's four charts. A module of its own so the overview loads it (and recharts with
 * it) after the first render: the topology and the cards show first, the charts a moment later.
 */
import { useDeferredValue } from 'react';
import { JobsPerDayChart } from '../../components/JobsPerDayChart';
import { MediaUseChart, SuccessRateChart, VolumePerDayChart } from '../../components/FleetCharts';
import { useOverviewChartData } from '../../store/store';

/**
 * The series follow the store at most once a second (useOverviewChartData) and come as deferred
 * values: React renders the charts in the background and drops renders that newer data has
 * overtaken, so the tree and the cards stay responsive while details stream in.
 */
export function OverviewCharts() {
  const { perDay, volume, rates, media } = useDeferredValue(useOverviewChartData());
  return (
    <div className="fleet-charts">
      <JobsPerDayChart data={perDay} />
      <VolumePerDayChart data={volume} />
      <SuccessRateChart data={rates} />
      <MediaUseChart data={media} />
    </div>
  );
}
