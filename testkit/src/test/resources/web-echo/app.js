// Calls the echo service's HTTP/JSON binding (POST /v1/shuffle) from the page it served: same origin, app token.
document.getElementById('shuffle').addEventListener('click', async () => {
  const result = document.getElementById('result');
  const error = document.getElementById('error');
  result.textContent = '';
  error.textContent = '';
  const response = await fetch('/v1/shuffle', {
    method: 'POST',
    headers: {
      'authorization': 'Bearer ' + document.getElementById('token').value,
      'content-type': 'application/json',
    },
    body: JSON.stringify({seed: document.getElementById('seed').value}),
  });
  const body = await response.json();
  if (response.ok) {
    result.textContent = 'seed ' + body.seed + ' for ' + body.tracks[0].trackId;
  } else {
    error.textContent = response.status + ' ' + body.message;
  }
});
