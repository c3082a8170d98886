"""The lessons as shipped: what ``demos.py`` falls back to when ``resources/demos.json`` has been edited
into something it cannot use. Keep in step with ``resources/demos.json`` (a test compares them)."""

BUILTIN_LESSONS: dict = {'_about': 'Scripted lessons for `visualbp --demo NAME` (loaded by visualbp/core/demos.py). Each demo: name, '
           'title, description (for the lecturer), config (SessionConfig fields), granularity (layer, '
           'example, minibatch, epoch), optional steps (taken at that granularity before the lesson opens), '
           'optional breakpoints (Breakpoints fields), optional weight_scale (multiplies the initial '
           'weights; Reset returns to the scaled weights), optional panel (a Teach panel the lesson opens '
           'beside the graph: big-picture, race, exercise, code or draw), optional neurons ([[l, j, '
           "activation], …]: single neurons' own activations, j from 0), optional select ([l, j]: the neuron "
           'the equation panel follows). The numbers each lesson claims are checked in '
           'tests/core/test_demos.py.',
 'demos': [{'name': 'one-example',
            'title': 'One example through [2, 3, 2]',
            'description': "The book's backpropagation algorithm for a single training example x, then "
                           'gradient descent with minibatch size m = 1. Each → is one line of the pseudocode '
                           'at one layer: input a¹ = x; feedforward z² and a², z³ and a³; BP1 gives the '
                           'output error δ³; BP2 carries it back to δ² through (w³)ᵀ; BP3 and BP4 give ∂C/∂b '
                           'and ∂C/∂w of layers 3 and 2; the last two steps update w³, b³ and w², b² by −η '
                           'times those gradients (η = 3). Eleven steps in all, then the next XOR point '
                           'comes in.',
            'config': {'dataset': 'xor',
                       'sizes': [2, 3, 2],
                       'mini_batch_size': 1,
                       'eta': 3.0,
                       'seed': 1,
                       'data_seed': 0},
            'granularity': 'layer'},
           {'name': 'minibatch',
            'title': 'One minibatch of [2, 4, 3, 2]',
            'description': 'Stochastic gradient descent over a minibatch of m = 4 examples from the moons '
                           'data. Each → runs the whole backpropagation pass of one example (feedforward, '
                           'BP1, BP2, BP3, BP4) and adds its gradient to the running sums Σₓ ∂Cₓ/∂b and Σₓ '
                           '∂Cₓ/∂w; the fifth → is the update w^l → w^l − η/m Σₓ δ^(x,l) (a^(x,l−1))ᵀ, b^l → '
                           'b^l − η/m Σₓ δ^(x,l) for l = 4, 3, 2. Press 1 to go back to one layer at a time.',
            'config': {'dataset': 'moons',
                       'sizes': [2, 4, 3, 2],
                       'mini_batch_size': 4,
                       'eta': 3.0,
                       'seed': 1,
                       'data_seed': 0},
            'granularity': 'example'},
           {'name': 'slow-quadratic',
            'title': 'Why the quadratic cost learns slowly when saturated',
            'description': "Chapter 3's learning slowdown. A [2, 2] network on the moons data whose initial "
                           'weights are multiplied by 8, so its output neurons start saturated and badly '
                           'wrong: 86% of the points are misclassified. With the quadratic cost, BP1 gives δ '
                           "= (a − y) σ'(z), and σ'(z) ≈ 0 when a is near 0 or 1, so the wrong outputs "
                           'hardly learn: each → is one epoch, and the cost creeps down for some fifteen '
                           'epochs before it falls; the accuracy passes 80% only in epoch 19. Compare with '
                           'the demo fast-cross-entropy, which starts from exactly the same weights.',
            'config': {'dataset': 'moons',
                       'sizes': [2, 2],
                       'cost': 'quadratic',
                       'eta': 3.0,
                       'mini_batch_size': 10,
                       'epochs': 30,
                       'seed': 27,
                       'data_seed': 0},
            'granularity': 'epoch',
            'weight_scale': 8.0},
           {'name': 'fast-cross-entropy',
            'title': 'The cross-entropy cost learns fast from the same saturated start',
            'description': 'The same [2, 2] network, data, saturated weights (× 8), η = 3 and m = 10 as '
                           "slow-quadratic, but with the cross-entropy cost. Its BP1 is δ = a − y: the σ'(z) "
                           'cancels, so the more wrong an output is, the faster it learns. One → (one epoch) '
                           'takes the accuracy from 14% to over 80%, where the quadratic cost needs '
                           'nineteen.',
            'config': {'dataset': 'moons',
                       'sizes': [2, 2],
                       'cost': 'cross-entropy',
                       'eta': 3.0,
                       'mini_batch_size': 10,
                       'epochs': 30,
                       'seed': 27,
                       'data_seed': 0},
            'granularity': 'epoch',
            'weight_scale': 8.0},
           {'name': 'vanishing',
            'title': 'Vanishing error in a deep sigmoid net',
            'description': "Chapter 5's vanishing gradient on the 8×8 digits: [64, 30, 30, 30, 30, 10], "
                           'sigmoid neurons, the standard N(0, 1) initial weights, η = 0.1 and m = 10 as in '
                           'the book. Twenty minibatches are already taken: the ‖δˡ‖ plot (logarithmic) '
                           'shows the error shrinking at every step back through BP2, because each layer '
                           "multiplies it by (w^(l+1))ᵀ and by σ'(z) ≤ 1/4. ‖δ²‖ is about a tenth of ‖δ⁶‖, "
                           'so the first hidden layer learns about ten times more slowly than the last. Step '
                           'by layer (press 1) to watch δ shrink as BP2 moves it back; Train to see that the '
                           'gap persists.',
            'config': {'dataset': 'digits',
                       'sizes': [64, 30, 30, 30, 30, 10],
                       'activation': 'sigmoid',
                       'cost': 'quadratic',
                       'init': 'standard',
                       'eta': 0.1,
                       'mini_batch_size': 10,
                       'epochs': 30,
                       'seed': 20,
                       'data_seed': 0},
            'granularity': 'minibatch',
            'steps': 20},
           {'name': 'mnist',
            'title': "The book's network: [784, 30, 10] on MNIST",
            'description': 'The network of chapter 1 and network.py: 784 input pixels, 30 hidden sigmoid '
                           'neurons, 10 outputs, the quadratic cost, η = 3.0, minibatches of m = 10 and 30 '
                           'epochs (here on 8,000 training and 2,000 validation images from the MNIST test '
                           "set). Each → is one epoch, like a line of network.py's output; the first epoch "
                           'already classifies about four validation images in five correctly. Press 1 to '
                           'step through a single digit layer by layer.',
            'config': {'dataset': 'mnist',
                       'sizes': [784, 30, 10],
                       'activation': 'sigmoid',
                       'cost': 'quadratic',
                       'init': 'standard',
                       'eta': 3.0,
                       'mini_batch_size': 10,
                       'epochs': 30,
                       'seed': 1},
            'granularity': 'epoch'},
           {'name': 'saturation',
            'title': 'Saturated hidden neurons: large initial weights',
            'description': 'A [64, 30, 10] network on the 8×8 digits whose initial weights are multiplied by '
                           "3, so that most hidden neurons start with |z| large and σ'(z) ≈ 0 (saturated). "
                           "BP2 multiplies the error by σ'(z), so their incoming weights barely learn: after "
                           'ten epochs the network is stuck near 30% accuracy, where the same network '
                           'without the factor 3 reaches over 95%. The saturation breakpoint is on: Play or '
                           "Train pauses once 70% of layer 2's (neuron, example) pairs are saturated, which "
                           "here happens at the fifth minibatch. Chapter 3's remedy is the scaled "
                           'initialisation, weights N(0, 1/n_in).',
            'config': {'dataset': 'digits',
                       'sizes': [64, 30, 10],
                       'activation': 'sigmoid',
                       'cost': 'quadratic',
                       'init': 'standard',
                       'eta': 3.0,
                       'mini_batch_size': 10,
                       'epochs': 30,
                       'seed': 1,
                       'data_seed': 0},
            'granularity': 'minibatch',
            'breakpoints': {'saturation_on': True,
                            'saturation_layer': 2,
                            'saturation_fraction': 0.7,
                            'every': 5},
            'weight_scale': 3.0},
           {'name': 'big-picture',
            'title': 'The big picture: ∂C/∂w as a sum over paths',
            'description': "Chapter 2's last section: a small change Δwˡⱼₖ of one weight changes the "
                           'activation aˡⱼ, which changes every neuron of the next layer, and so on to the '
                           'cost; ∂C/∂wˡⱼₖ is the sum, over every path from the weight to the cost, of the '
                           'product of the rates of change along it. The Paths panel lists every path of the '
                           'chosen weight with its factors and their product, and shows that the sum equals '
                           "BP4's aˡ⁻¹ₖ δˡⱼ from backpropagation. Choose the weight with the panel's l, j, k "
                           "or by clicking a neuron; every hop through a sigmoid multiplies by σ'(z) ≤ 1/4, "
                           'which is why long paths carry little.',
            'config': {'dataset': 'moons',
                       'sizes': [2, 3, 3, 2],
                       'mini_batch_size': 4,
                       'eta': 3.0,
                       'seed': 1,
                       'data_seed': 0},
            'granularity': 'layer',
            'steps': 1,
            'panel': 'big-picture'},
           {'name': 'why-fast',
            'title': 'Why backpropagation is fast: race finite differences',
            'description': "Chapter 2, 'In what sense is backpropagation a fast algorithm?': estimating each "
                           '∂C/∂w by a finite difference costs one extra forward pass per parameter, 2,260 '
                           'of them for this [64, 30, 10] network, while backpropagation gets every one of '
                           "them from one forward and one backward pass. Press 'Run the race' in the Race "
                           'panel: it times both on the current example, counts the passes, and then '
                           'compares the two gradients layer by layer.',
            'config': {'dataset': 'digits',
                       'sizes': [64, 30, 10],
                       'mini_batch_size': 10,
                       'eta': 3.0,
                       'seed': 1,
                       'data_seed': 0},
            'granularity': 'layer',
            'steps': 0,
            'panel': 'race'},
           {'name': 'exercise',
            'title': 'Predict, then reveal: work the next step by hand',
            'description': 'The Exercise panel asks for the quantity the next step computes — z, a, δ, '
                           '∂C/∂b, ∂C/∂w or the new w — for one neuron or weight of this small [2, 3, 2] '
                           'network. Type a number or a fraction, press Check: it is judged within the '
                           'stated tolerance, the step is taken, and the working appears under the verdict. '
                           "Choose one of the chapter's exercises as a lesson in the panel, or keep "
                           'practising on each step; scores are kept per lesson.',
            'config': {'dataset': 'xor',
                       'sizes': [2, 3, 2],
                       'mini_batch_size': 1,
                       'eta': 3.0,
                       'seed': 1,
                       'data_seed': 0},
            'granularity': 'layer',
            'steps': 0,
            'panel': 'exercise'},
           {'name': 'code',
            'title': 'The code in lockstep',
            'description': 'Backpropagation and the gradient-descent update written as short Python beside '
                           'the graph: each → runs one line of it at one layer, the line is highlighted, and '
                           "the values it sets (z, a, σ'(z), δ, the sums of the gradients, the new w and b) "
                           'are shown with their shapes. Press 3 to step by minibatch: once the current '
                           'minibatch is finished, each → is a whole minibatch in the fully matrix-based '
                           'form, one example per column of X.',
            'config': {'dataset': 'xor',
                       'sizes': [2, 3, 2],
                       'mini_batch_size': 2,
                       'eta': 3.0,
                       'seed': 1,
                       'data_seed': 0},
            'granularity': 'layer',
            'steps': 2,
            'panel': 'code'},
           {'name': 'regression',
            'title': 'Regression: a linear output fits a sine',
            'description': 'A [1, 10, 1] network with tanh hidden neurons and one linear output neuron, a³ = '
                           'z³, fits y = sin(x) on [−π, π] from 320 noisy points with the quadratic cost. A '
                           "linear neuron has f'(z) = 1, so BP1 loses its σ'(z) factor: δ³ = a³ − y, and the "
                           'output never saturates. Each → is one minibatch of m = 10 points; the Fit card '
                           'draws a³(x) against the data as it learns. The RMS error, 3.2 untrained, is '
                           'under 0.6 after three minibatches, 0.17 after the first epoch and about 0.1, the '
                           'noise, after forty. Press 1 to step one point layer by layer and read BP1.',
            'config': {'dataset': 'sine',
                       'sizes': [1, 10, 1],
                       'activation': 'tanh',
                       'cost': 'quadratic',
                       'eta': 0.1,
                       'mini_batch_size': 10,
                       'epochs': 100,
                       'noise': 0.1,
                       'seed': 1,
                       'data_seed': 0},
            'granularity': 'minibatch',
            'steps': 0},
           {'name': 'modified-neuron',
            'title': 'Backpropagation with a single modified neuron',
            'description': "Chapter 2's exercise: neuron j = 2 of layer 2 in this [2, 3, 2] network uses f = "
                           "tanh instead of σ (the mark 'tanh' beside it; right-click any neuron of layer 2 "
                           "or 3 to choose its own f). Only that neuron's equations change: its activation "
                           "is a²₂ = tanh(z²₂), and BP2 multiplies its error by tanh'(z²₂) = 1 − tanh²(z²₂) "
                           "where its neighbours keep σ'(z). The lesson opens at that BP2 step with the "
                           "neuron selected, so the equation panel writes δ²₂ = (Σₖ w³ₖ₂ δ³ₖ) · tanh'(z²₂) "
                           "with its numbers; click another neuron of layer 2 to see its σ'(z). Each → is "
                           'one line of the pseudocode at one layer.',
            'config': {'dataset': 'xor',
                       'sizes': [2, 3, 2],
                       'mini_batch_size': 1,
                       'eta': 3.0,
                       'seed': 1,
                       'data_seed': 0},
            'granularity': 'layer',
            'steps': 5,
            'neurons': [[2, 1, 'tanh']],
            'select': [2, 1]},
           {'name': 'linear-neurons',
            'title': 'Backpropagation with linear neurons',
            'description': "Chapter 2's exercise: every neuron of this [2, 3, 2] network is linear, σ(z) = "
                           "z, so f'(z) = 1 everywhere (the equations write it id(z) and id'(z)). BP1 "
                           "becomes δ³ = a³ − y and BP2 becomes δ² = (w³)ᵀ δ³: no σ'(z) factor shrinks the "
                           'error on its way back. The lesson opens at BP2, where the panel multiplies by '
                           "id'(z) = 1. The whole network is one linear map of x, so on the XOR points it "
                           'can do no better than a straight line: train it (η = 0.1) and the validation '
                           'accuracy stays near one half. Each → is one line of the pseudocode at one layer.',
            'config': {'dataset': 'xor',
                       'sizes': [2, 3, 2],
                       'activation': 'linear',
                       'cost': 'quadratic',
                       'mini_batch_size': 1,
                       'eta': 0.1,
                       'seed': 1,
                       'data_seed': 0},
            'granularity': 'layer',
            'steps': 5,
            'neurons': [[3, 0, 'linear'], [3, 1, 'linear']]}]}
