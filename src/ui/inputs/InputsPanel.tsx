/** The left column: every input of the scenario, in the order a person thinks about a deployment. */
import { CalibrationPanel } from './CalibrationPanel.tsx';
import { ClusterEditor } from './ClusterEditor.tsx';
import { ModelEditor } from './ModelEditor.tsx';
import { ObjectivesEditor } from './ObjectivesEditor.tsx';
import { RuntimeEditor } from './RuntimeEditor.tsx';
import { WorkloadEditor } from './WorkloadEditor.tsx';

export function InputsPanel() {
  return (
    <aside className="inputs" aria-label="Inputs" id="inputs">
      <div className="inputs__head">
        <span className="eyebrow">Scenario</span>
      </div>
      <ModelEditor />
      <ClusterEditor />
      <WorkloadEditor />
      <RuntimeEditor />
      <CalibrationPanel />
      <ObjectivesEditor />
    </aside>
  );
}
